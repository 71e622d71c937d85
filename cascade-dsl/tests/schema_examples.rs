//! Every `.cascade` example of DESIGN.md §3 and `examples/schemas/` checks clean with the meaning
//! it states.

use std::fmt::Write;

use cascade_dsl::model::Schema;

/// One line per type and per field: what the model means, independent of `Debug` layout.
fn describe(schema: &Schema) -> String {
    let mut out = String::new();
    if let Some(default) = schema.default {
        writeln!(out, "default {default}").unwrap();
    }
    for ty in &schema.types {
        write!(out, "{}", ty.name).unwrap();
        if let Some(t) = ty.threshold {
            write!(out, " threshold={t}").unwrap();
        }
        if let Some(t) = ty.fuzzy_threshold {
            write!(out, " fuzzy={t}").unwrap();
        }
        if let Some(strategy) = ty.strategy {
            write!(out, " strategy={strategy:?}").unwrap();
        }
        writeln!(out).unwrap();
        for field in &ty.fields {
            let def = field.def();
            write!(out, "  {}:", field.name).unwrap();
            if let Some(prompt) = &def.prompt {
                write!(out, " prompt={:?}", prompt.value).unwrap();
            }
            if let Some(op) = &def.operator {
                write!(out, " {}", op.value).unwrap();
            }
            if let Some(p) = &def.primitive {
                write!(out, " {:?}", p.value).unwrap();
            }
            let targets: Vec<String> = def
                .targets
                .iter()
                .map(|t| match &t.threshold {
                    Some(th) => format!("{}({})", t.name.value, th.value),
                    None => t.name.value.to_string(),
                })
                .collect();
            if !targets.is_empty() {
                write!(out, " {}", targets.join("|")).unwrap();
            }
            if let Some(b) = &def.backref {
                write!(out, " .{}", b.value).unwrap();
            }
            if def.array {
                write!(out, " []").unwrap();
            }
            if def.optional {
                write!(out, " ?").unwrap();
            }
            if field.inverse {
                write!(out, " (inverse)").unwrap();
            }
            writeln!(out).unwrap();
        }
    }
    out
}

fn check(path: &str) -> Schema {
    match cascade_dsl::check_file(path) {
        Ok((_, schema)) => schema,
        Err(error) => panic!("{path} does not check clean: {error:?}"),
    }
}

#[test]
fn design_section_3_example() {
    let schema = check("tests/fixtures/schemas/valid/design-section-3.cascade");
    let expected = "\
default 0.8
ICP threshold=0.82
  name: String
  industry: ~> Industry
  persona: ~> Persona(0.85)
Industry threshold=0.78 strategy=Static
  name: String
Persona
  title: String
Startup
  customer: prompt=\"Who buys it?\" ~> ICP(0.82)
  competitors: ~> Company(0.85) []
Company
  name: String
  industry: <~ Industry
";
    assert_eq!(describe(&schema), expected);
}

#[test]
fn examples_startup() {
    let schema = check("../examples/schemas/startup.cascade");
    let expected = "\
default 0.8
ICP threshold=0.82
  name: String
  industry: ~> Industry
  persona: ~> Persona(0.85)
Industry threshold=0.78 strategy=Static
  name: String
Persona
  title: String
Occupation threshold=0.75
  title: String
  skills: ~> Skill []
Skill threshold=0.72
  name: String
Startup
  idea: prompt=\"What is the startup idea?\" String
  customer: prompt=\"Who buys it?\" ~> ICP(0.82)
  industry: ~> Industry
  competitors: ~> Company(0.85) []
Company
  name: String
  industry: <~ Industry
";
    assert_eq!(describe(&schema), expected);
}

#[test]
fn examples_entities() {
    let schema = check("../examples/schemas/entities.cascade");
    let expected = "\
default 0.8
Occupation threshold=0.75
  title: String
  skills: ~> Skill []
  industry: ~> Industry
Skill threshold=0.72
  name: String
Industry threshold=0.78 strategy=Static
  name: String
Location threshold=0.9
  name: String
Company threshold=0.85
  name: String
  industry: <~ Industry
  headquarters: prompt=\"Where is it based?\" ~> Location
Person threshold=0.88
  name: String
  occupation: ~> Occupation
  employer: ~> Company ?
  languages: ~> Tag []
Tag threshold=0.85
  name: String
";
    assert_eq!(describe(&schema), expected);
}

#[test]
fn every_shipped_example_checks_clean() {
    let mut count = 0;
    for entry in std::fs::read_dir("../examples/schemas").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cascade") {
            check(path.to_str().unwrap());
            count += 1;
        }
    }
    assert!(count >= 2, "expected the shipped examples, found {count}");
}

#[test]
fn backrefs_create_inverse_fields() {
    let schema = check("tests/fixtures/schemas/valid/backrefs.cascade");
    let expected = "\
Author
  name: String
  posts: Post .author [] (inverse)
Post
  title: String
  author: Author .posts
  tags: -> Tag .posts []
  comments: <- Comment .post
Comment
  body: Markdown
  post: -> Post
Tag
  name: String
  posts: Post .tags [] (inverse)
Node
  parent: Node .children ?
  children: Node .parent [] (inverse)
";
    assert_eq!(describe(&schema), expected);
}

#[test]
fn escapes_are_decoded() {
    let schema = check("tests/fixtures/schemas/valid/escapes-and-quotes.cascade");
    let startup = schema.get("Startup").unwrap();
    let customer = startup.field("customer").unwrap();
    assert_eq!(
        customer.def().prompt.as_ref().unwrap().value,
        "Who\u{2019}s the buyer?"
    );
    // The target `ICP` is placed after the 6-byte escape `\u2019` in the file.
    let src =
        std::fs::read_to_string("tests/fixtures/schemas/valid/escapes-and-quotes.cascade").unwrap();
    let span = customer.place(customer.def().targets[0].name.span);
    assert_eq!(&src[span.start()..span.end()], "ICP");
    let pitch = startup.field("pitch").unwrap();
    assert_eq!(
        pitch.def().prompt.as_ref().unwrap().value,
        "What's the \"one-liner\"?"
    );
}

/// The `.cascade` example in the README's `.cascade files` section checks clean.
#[test]
fn readme_example() {
    let readme = std::fs::read_to_string("../README.md").unwrap();
    let section = readme
        .split("## .cascade files")
        .nth(1)
        .expect("the README has a `.cascade files` section");
    let example = section
        .split("```js\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a ```js block");
    let schema = match cascade_dsl::check(example) {
        Ok(schema) => schema,
        Err(errors) => panic!(
            "{}",
            cascade_dsl::diag::render(
                &errors,
                example,
                "README.md",
                cascade_dsl::diag::Style::Plain
            )
        ),
    };
    assert_eq!(schema.types.len(), 7);
    let posts = schema
        .get("Author")
        .and_then(|t| t.field("posts"))
        .expect("the inverse field");
    assert!(posts.inverse && posts.def().array);
    assert_eq!(
        schema
            .get("Startup")
            .and_then(|t| t.fuzzy_threshold)
            .map(|t| t.get()),
        Some(0.75)
    );
}
