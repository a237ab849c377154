//! Reader mode in the app: which stories have their web page's article (being fetched, shown, or
//! put aside for the feed's text), the key that fetches and switches, and what the status bar,
//! the story pane and the problems list say of it.

use super::App;
use crate::action::{Action, Effect, Effects};
use crate::article::Article;
use crate::source::is_http_url;

/// At most this many failed articles are listed in the problems list (the newest).
const MAX_ARTICLE_PROBLEMS: usize = 20;

/// A story's article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleState {
    /// Its page is being fetched.
    Fetching,
    /// Shown in the story pane in place of the feed's text.
    Shown(Box<Article>),
    /// Fetched, but the feed's text is shown (the key switches back).
    Hidden(Box<Article>),
}

impl App {
    /// Takes reader mode's actions; returns any other.
    pub(super) fn article_action(
        &mut self,
        action: Action,
        effects: &mut Effects,
    ) -> Option<Action> {
        match action {
            Action::ToggleArticle => self.toggle_article(effects),
            Action::ArticleLoaded(story, result) => self.article_loaded(story, result, effects),
            Action::ArticleStored(story, article) => {
                // Kept from an earlier run: shown as it was left, unless asked for since.
                if story < self.stories.len() && !self.articles.contains_key(&story) {
                    self.articles.insert(story, ArticleState::Shown(article));
                    self.relayout_from_top(story);
                }
            }
            other => return Some(other),
        }
        None
    }

    /// How many articles are being fetched, for the status bar.
    pub fn articles_fetching(&self) -> usize {
        let fetching = |s: &&ArticleState| matches!(s, ArticleState::Fetching);
        self.articles.values().filter(fetching).count()
    }

    /// Asks for the articles of source `source`'s stories added from `from` on, when it is a
    /// full-text feed (`full_text = true`) and not offline.
    pub(super) fn fetch_new_articles(&mut self, source: usize, from: usize, effects: &mut Effects) {
        let full_text = self.editions.get(source).is_some_and(|e| e.full_text);
        if !full_text || self.offline {
            return;
        }
        for story in from..self.stories.len() {
            let link = self.stories.link(story).filter(|l| is_http_url(l));
            if let Some(url) = link.filter(|_| !self.articles.contains_key(&story)) {
                let url = url.to_string();
                self.articles.insert(story, ArticleState::Fetching);
                effects.push(Effect::FetchArticle { story, url });
            }
        }
    }

    /// The article shown for story `i` in place of the feed's text, if any.
    pub fn shown_article(&self, i: usize) -> Option<&Article> {
        match self.articles.get(&i) {
            Some(ArticleState::Shown(article)) => Some(article),
            _ => None,
        }
    }

    /// `f`: fetches the selected story's article, or switches between it and the feed's text.
    fn toggle_article(&mut self, effects: &mut Effects) {
        let Some(story) = self.selected_story() else {
            return;
        };
        let state = self.articles.remove(&story);
        let next = match state {
            Some(ArticleState::Fetching) => {
                self.message = Some("Still fetching this story's article…".into());
                ArticleState::Fetching
            }
            Some(ArticleState::Shown(article)) => ArticleState::Hidden(article),
            Some(ArticleState::Hidden(article)) => ArticleState::Shown(article),
            None => {
                let link = self.stories.link(story).map(str::to_string);
                let Some(url) = link.filter(|l| is_http_url(l)) else {
                    self.message = Some("This story has no web link.".into());
                    return;
                };
                self.message = Some(format!("Fetching the article from {}…", host(&url)));
                effects.push(Effect::FetchArticle { story, url });
                ArticleState::Fetching
            }
        };
        let switched = !matches!(next, ArticleState::Fetching);
        self.articles.insert(story, next);
        if switched {
            self.relayout_from_top(story);
        }
    }

    fn article_loaded(
        &mut self,
        story: usize,
        result: Result<Box<Article>, String>,
        effects: &mut Effects,
    ) {
        if story >= self.stories.len() {
            return;
        }
        match result {
            Ok(article) => {
                let words = article.words;
                let from = host(&article.url);
                effects.push(Effect::SaveArticle {
                    key: self.key(story),
                    article: article.clone(),
                });
                self.articles.insert(story, ArticleState::Shown(article));
                if self.selected_story() == Some(story) {
                    self.message = Some(format!("The article: {words} words from {from}"));
                    self.relayout_from_top(story);
                }
            }
            Err(reason) => {
                self.articles.remove(&story);
                let title = self.stories.title(story).to_string();
                // Said for the open story; a background one (a full-text feed's) only in `E`.
                if self.selected_story() == Some(story) {
                    self.message = Some(format!("No article for this story: {reason}"));
                }
                self.article_problems.push((title, reason));
                let excess = self
                    .article_problems
                    .len()
                    .saturating_sub(MAX_ARTICLE_PROBLEMS);
                self.article_problems.drain(..excess);
            }
        }
    }

    /// Lays story `story` out again from its top, if it is open (its text was switched).
    fn relayout_from_top(&mut self, story: usize) {
        if self.laid_out_for.is_some_and(|(s, _)| s == story) {
            self.laid_out_for = None;
            self.story_scroll = 0;
            self.relayout();
        }
    }

    /// The lines under an article's title: where it was extracted from and how long it is, the
    /// key back to the feed's text, its byline and date, its link.
    pub(super) fn article_meta(&self, article: &Article) -> Vec<String> {
        let back = self
            .config
            .keymap
            .first_key(Action::ToggleArticle)
            .map(|key| format!(" · {key}: the feed's text"))
            .unwrap_or_default();
        let mut first = vec![format!(
            "Article from {} · {} words{back}",
            host(&article.url),
            article.words
        )];
        first.extend(article.byline.as_ref().map(|a| format!("by {a}")));
        first.extend(article.published.map(crate::dates::long));
        vec![first.join(" · "), format!("Link: {}", article.url)]
    }

    /// For a story with only a headline or a short summary and a web link: which key gets the
    /// whole article.
    pub(super) fn article_hint(&self, i: usize) -> Option<String> {
        let stories = &self.stories;
        let linked = stories.link(i).is_some_and(is_http_url);
        let loaded = !stories.text_pending(i);
        let text: usize = stories.paragraphs(i).iter().map(|p| p.text.len()).sum();
        if !linked || !loaded || text >= SHORT_SUMMARY || self.articles.contains_key(&i) {
            return None;
        }
        let key = self.config.keymap.first_key(Action::ToggleArticle)?;
        Some(format!(
            "Only a summary here: {key} gets the whole article from its web page"
        ))
    }
}

/// A story text shorter than this (in bytes) is a summary: the pane says how to get the article.
const SHORT_SUMMARY: usize = 600;

/// The host of a URL, to name where an article comes from.
fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}
