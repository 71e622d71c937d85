//! "Did you mean": the closest known name by edit distance, for error messages.

/// The candidate closest to `name` (Levenshtein distance, ignoring ASCII case) if it is close
/// enough to be a plausible typo: at most a third of the name's length, at least 1.
///
/// ```
/// # use cascade_runtime::config::suggest::did_you_mean;
/// assert_eq!(did_you_mean("IPC", ["ICP", "Industry"]), Some("ICP"));
/// assert_eq!(did_you_mean("customr", ["customer", "industry"]), Some("customer"));
/// assert_eq!(did_you_mean("zzz", ["ICP"]), None);
/// ```
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars, case-insensitive for ASCII, where an adjacent swap is one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Optimal string alignment: three rows.
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("ICP", "icp"), 0);
    }

    #[test]
    fn ties_pick_the_first_alphabetically() {
        assert_eq!(did_you_mean("Ab", ["Ac", "Aa"]), Some("Aa"));
    }
}
