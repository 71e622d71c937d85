//! A generic type refers to itself by its name without arguments (`~>Node`, also as a union
//! member), whatever its generics: lifetimes, type and const parameters, a where clause.
//! A type with only lifetime parameters can be referred to by others too.
#![allow(dead_code)]

use cascade::{Cascade, Layer};

#[derive(Cascade)]
#[cascade(threshold = 0.7, config(strategy = "adaptive"))]
struct Node<'a, T: Clone, const N: usize>
where
    T: Default,
{
    #[cascade("~>Node?")]
    parent: Option<&'a T>,
    #[cascade("~>Leaf(0.9)|Node[]")]
    children: [T; N],
}

#[derive(Cascade)]
#[cascade(threshold = 0.6)]
struct Leaf<'a> {
    #[cascade("<~Leaf")]
    sibling: &'a str,
}

fn main() {
    let table = <Node<'static, u8, 2> as Cascade>::TABLE;
    let parent = table.field("parent").unwrap().targets[0];
    assert_eq!(parent.type_name, "Node");
    assert_eq!(parent.type_threshold.map(|w| w.value.get()), Some(0.7));
    assert_eq!(parent.strategy, Some(cascade::Strategy::Adaptive));
    let children = table.field("children").unwrap();
    assert_eq!(children.targets[0].type_threshold.map(|w| w.value.get()), Some(0.6));
    assert_eq!(children.targets[1].type_name, "Node");

    let r = cascade::resolve::<Node<'static, String, 0>>("parent").unwrap();
    assert_eq!((r.value, r.layer, r.at), (0.7, Layer::SchemaType, "Node.$threshold"));
    let r = cascade::resolve::<Leaf<'static>>("sibling").unwrap();
    assert_eq!((r.value, r.layer), (0.6, Layer::SchemaType));
}
