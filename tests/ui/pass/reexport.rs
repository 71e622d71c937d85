//! `#[cascade(crate = "..")]`: the generated code names `cascade` through a re-export, as a crate
//! that only depends on an SDK re-exporting cascade must.

mod sdk {
    pub use cascade;
}

use cascade::Cascade;

#[derive(Cascade)]
#[cascade(crate = "sdk::cascade", threshold = 0.8)]
struct Icp;

#[derive(Cascade)]
#[cascade(crate = "crate::sdk::cascade")]
struct Startup {
    #[cascade("Who buys it? ~>Icp(0.82)")]
    customer: String,
}

fn main() {
    assert_eq!(<Icp as Cascade>::TABLE.name, "Icp");
    assert_eq!(<Startup as Cascade>::TABLE.fields[0].name, "customer");
}
