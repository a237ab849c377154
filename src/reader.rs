//! The reading view's text: a story laid out as wrapped lines for one width, computed once per
//! story and width (not per frame), so scrolling knows exact heights.

use crate::news::Story;

/// What a laid-out line is, so the view can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Part of the story's title.
    Title,
    /// The edition or source line.
    Meta,
    /// Story text.
    Body,
    /// A note from gazette (e.g. that the source has no text).
    Note,
    /// Spacing between blocks.
    Blank,
}

/// One display line of a story, with where it came from: `block` is the title (0), the meta line (1)
/// or a paragraph (2 and up), and `offset` the byte offset in that block where the line starts.
/// The pair finds the same place again after the story is wrapped to another width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryLine {
    /// The text, at most the wrap width in columns (longer only for a word wider than the pane).
    pub text: String,
    /// How it is styled.
    pub kind: LineKind,
    /// The source block.
    pub block: usize,
    /// Byte offset of the line's start within its block.
    pub offset: usize,
}

/// The note shown for a story that has only a headline.
pub const NO_TEXT_NOTE: &str = "This source has only the headline of this story, not its text.";

/// Lays out `story` at `width` columns: title, edition, then paragraphs with a blank line between.
pub fn layout_story(story: &Story, edition: &str, width: u16) -> Vec<StoryLine> {
    let width = usize::from(width.max(1));
    let mut lines = Vec::new();
    push_wrapped(&mut lines, &story.title, LineKind::Title, 0, width);
    push_wrapped(
        &mut lines,
        &format!("Edition: {edition}"),
        LineKind::Meta,
        1,
        width,
    );
    if story.has_text() {
        for (i, paragraph) in story.paragraphs.iter().enumerate() {
            blank(&mut lines, i + 1);
            push_wrapped(&mut lines, paragraph, LineKind::Body, i + 2, width);
        }
    } else {
        blank(&mut lines, 1);
        push_wrapped(&mut lines, NO_TEXT_NOTE, LineKind::Note, 2, width);
    }
    lines
}

fn blank(lines: &mut Vec<StoryLine>, block: usize) {
    lines.push(StoryLine {
        text: String::new(),
        kind: LineKind::Blank,
        block,
        offset: usize::MAX,
    });
}

fn push_wrapped(
    lines: &mut Vec<StoryLine>,
    text: &str,
    kind: LineKind,
    block: usize,
    width: usize,
) {
    for piece in textwrap::wrap(text, textwrap::Options::new(width)) {
        // textwrap borrows from `text` here, so the slice's position is its offset in the block.
        let offset = (piece.as_ptr() as usize)
            .saturating_sub(text.as_ptr() as usize)
            .min(text.len());
        lines.push(StoryLine {
            text: piece.into_owned(),
            kind,
            block,
            offset,
        });
    }
}

/// The index of the line showing the place (`block`, `offset`) in `lines`: the last line that
/// starts at or before it.
pub fn line_at(lines: &[StoryLine], block: usize, offset: usize) -> usize {
    lines
        .iter()
        .rposition(|l| (l.block, l.offset) <= (block, offset))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::news::Paragraph;
    use crate::text::width;

    fn story(paragraphs: &[&str]) -> Story {
        Story {
            title: "A Title".into(),
            paragraphs: paragraphs.iter().map(|s| Paragraph::plain(*s)).collect(),
            ..Story::default()
        }
    }

    #[test]
    fn paragraphs_wrap_to_width_with_blank_lines_between() {
        let s = story(&["one two three four five six", "seven eight"]);
        let lines = layout_story(&s, "ed", 10);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "A Title",
                "Edition:",
                "ed",
                "",
                "one two",
                "three four",
                "five six",
                "",
                "seven",
                "eight"
            ]
        );
        assert!(lines.iter().all(|l| width(&l.text) <= 10));
    }

    #[test]
    fn headline_only_story_says_it_has_no_text() {
        let lines = layout_story(&story(&[]), "ed", 80);
        assert_eq!(lines.last().unwrap().text, NO_TEXT_NOTE);
        assert_eq!(lines.last().unwrap().kind, LineKind::Note);
    }

    #[test]
    fn cjk_wraps_inside_runs_and_stays_within_width() {
        let s = story(&["東京都の新しい庁舎は来年に完成する予定です。"]);
        for w in 2..12 {
            for line in layout_story(&s, "e", w) {
                assert!(width(&line.text) <= usize::from(w), "{w}: {:?}", line.text);
            }
        }
    }

    #[test]
    fn the_reading_place_survives_a_rewrap() {
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
        let s = story(&[text]);
        let narrow = layout_story(&s, "e", 12);
        let top = narrow
            .iter()
            .position(|l| l.text.starts_with("iota"))
            .unwrap();
        let wide = layout_story(&s, "e", 30);
        let again = line_at(&wide, narrow[top].block, narrow[top].offset);
        assert!(wide[again].text.contains("iota"), "{:?}", wide[again]);
    }
}
