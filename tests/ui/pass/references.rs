//! A field's Rust type is looked through references at every level: `&Vec<_>` is an array and
//! `&Option<_>` optional, as `&[_]` always was.
#![allow(dead_code)]

use cascade::Cascade;

#[derive(Cascade)]
struct ICP;

#[derive(Cascade)]
struct S<'a> {
    #[cascade("~>ICP[]")]
    a: &'a Vec<String>,
    #[cascade("~>ICP?")]
    b: &'a Option<String>,
    #[cascade("~>ICP[]?")]
    c: &'a mut Option<&'a [u8]>,
    #[cascade("~>ICP[]")]
    d: &'a &'a [String; 2],
    #[cascade("string")]
    e: &'a str,
}

fn main() {
    let table = <S<'static> as Cascade>::TABLE;
    assert!(table.field("a").unwrap().array);
    assert!(table.field("b").unwrap().optional);
    let c = table.field("c").unwrap();
    assert!(c.array && c.optional);
}
