use cascade::Cascade;

#[derive(Cascade)]
struct Author;

#[derive(Cascade)]
struct Post {
    #[cascade("~>Author(0.9)|Chatbot(0.7)")]
    author: String,
}

fn main() {}
