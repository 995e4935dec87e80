//! Proves that the TagKey pattern in model/attached-files.smithy, written without look-ahead for
//! Rust's regex engine, accepts exactly the keys AWS's `^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$` does.

use regex::Regex;

/// The `@pattern` on `string TagKey`, unescaped from its Smithy string literal.
fn model_tag_key_pattern() -> String {
    let model = include_str!("../../../model/attached-files.smithy");
    let shape = model.find("string TagKey").expect("the model has a TagKey shape");
    let start = model[..shape].rfind("@pattern(\"").expect("TagKey has a @pattern") + "@pattern(\"".len();
    let end = start + model[start..].find("\")").unwrap();
    model[start..end].replace("\\\\", "\\")
}

/// AWS's rule, spelled with a plain prefix test instead of the look-ahead.
fn aws_accepts(key: &str) -> bool {
    static ALLOWED: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").unwrap());
    !key.starts_with("aws:") && ALLOWED.is_match(key)
}

#[test]
fn the_model_tag_key_pattern_is_aws_s_without_look_ahead() {
    let model = Regex::new(&model_tag_key_pattern()).unwrap();
    let alphabet = ['a', 'w', 's', ':', 'A', 'é', '1', ' ', '_', '#', '\u{7}'];
    let mut keys = vec![String::new()];
    let mut checked = 0;
    for _ in 0..5 {
        keys = keys.iter().flat_map(|key| alphabet.iter().map(move |c| format!("{key}{c}"))).collect();
        for key in &keys {
            assert_eq!(model.is_match(key), aws_accepts(key), "{key:?}");
            checked += 1;
        }
    }
    for key in ["aws:x", "AWS:x", "aws", "awsx", "aws:", "aws-", "aw:s", "tag:aws:", "ключ", "a\u{2003}b"] {
        assert_eq!(model.is_match(key), aws_accepts(key), "{key:?}");
    }
    assert!(checked > 170_000);
}
