use cascade::Cascade;

#[derive(Cascade)]
struct ICP;

// References are looked through: the referred-to type must agree with the definition.
#[derive(Cascade)]
struct S<'a> {
    #[cascade("~>ICP[]")]
    a: &'a String,
    #[cascade("~>ICP")]
    b: &'a Vec<String>,
    #[cascade("~>ICP")]
    c: &'a mut Option<String>,
}

fn main() {}
