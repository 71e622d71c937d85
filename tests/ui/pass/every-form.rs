//! Accepted attribute forms: integer thresholds, `fuzzy_threshold`, `instructions`, unions with
//! per-member thresholds, backward operators, `Option<Vec<_>>`, slices and arrays, raw
//! identifiers, generics, self- and mutual references, fields outside the schema.
#![allow(dead_code)]

use cascade::{Cascade, Layer, Operator};

#[derive(Cascade)]
#[cascade(threshold = 1, fuzzy_threshold = 0)]
#[cascade(instructions = "Anyone who writes")]
struct Author {
    #[cascade("~>Author")]
    mentor: String,
    #[cascade("<~Post[]?")]
    r#posts: Option<Vec<u64>>,
}

#[derive(Cascade)]
#[cascade(config(strategy = "adaptive"))]
struct Post {
    #[cascade("~>Author(0.9)|Bot(0.7)")]
    author: String,
    #[cascade("->Tag[]")]
    tags: &'static [&'static str],
    #[cascade("Which image? ~>Image?")]
    cover: Option<String>,
    #[cascade("url")]
    r#type: String,
    body: String,
}

#[derive(Cascade)]
struct Bot;

#[derive(Cascade)]
struct Tag;

#[derive(Cascade)]
#[cascade(threshold = 0.9)]
struct Image;

// A generic type derives too. It may refer to itself (tests/ui/pass/generic-self-reference.rs);
// another type can refer to it only if its only parameters are lifetimes, since a definition
// names the type without arguments.
#[derive(Cascade)]
struct Page<T: Clone>
where
    T: Default,
{
    #[cascade("<-Post[]")]
    used_by: [T; 2],
}

fn main() {
    let r = cascade::resolve::<Author>("mentor").unwrap();
    assert_eq!((r.value, r.layer), (1.0, Layer::SchemaType));
    let author = Post::TABLE.field("author").unwrap();
    assert_eq!(author.targets.len(), 2);
    assert_eq!(Post::TABLE.field("type").unwrap().operator, None);
    assert_eq!(
        Post::TABLE.field("tags").unwrap().operator,
        Some(Operator::ForwardExact)
    );
    assert!(Post::TABLE.field("body").is_none());
    let cover = Post::TABLE.field("cover").unwrap();
    assert!(cover.optional);
    assert_eq!(
        cover.targets[0].type_threshold.map(|w| w.value.get()),
        Some(0.9)
    );
    assert_eq!(<Page<u8> as Cascade>::TABLE.name, "Page");
}
