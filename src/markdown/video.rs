//! Video addresses: which YouTube and Vimeo URLs folio embeds, the id read from each, and
//! the addresses built back from that id alone (so nothing the writer typed reaches the
//! player's address). Pure.

/// Where a video lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    YouTube,
    Vimeo,
}

/// A video to embed: only ever made by `Video::parse`, so its id is known safe.
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub provider: Provider,
    /// YouTube: 11 characters of `A-Z a-z 0-9 _ -`; Vimeo: digits.
    id: String,
}

impl Video {
    /// The video at `url`: `youtube.com/watch?v=ID`, `youtu.be/ID`, `youtube.com/embed/ID`,
    /// `/shorts/ID` or `/live/ID`, `vimeo.com/ID`, `player.vimeo.com/video/ID`.
    pub fn parse(url: &str) -> Option<Video> {
        let lower = url.trim().to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))?;
        let start = url.trim().len() - rest.len();
        let rest = &url.trim()[start..];
        let (host, path_query) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (path, query) = match path_query.split_once('?') {
            Some((p, q)) => (p, q.split('#').next().unwrap_or_default()),
            None => (path_query.split('#').next().unwrap_or_default(), ""),
        };
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let youtube = |id: &str| {
            let ok = id.len() == 11
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            ok.then(|| Video {
                provider: Provider::YouTube,
                id: id.to_string(),
            })
        };
        let vimeo = |id: &str| {
            let ok = (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| Video {
                provider: Provider::Vimeo,
                id: id.to_string(),
            })
        };
        match (host.to_ascii_lowercase().as_str(), parts.as_slice()) {
            ("youtube.com" | "www.youtube.com" | "m.youtube.com", ["watch"]) => query
                .split('&')
                .find_map(|pair| pair.strip_prefix("v="))
                .and_then(youtube),
            (
                "youtube.com"
                | "www.youtube.com"
                | "m.youtube.com"
                | "www.youtube-nocookie.com"
                | "youtube-nocookie.com",
                ["embed" | "shorts" | "live", id],
            ) => youtube(id),
            ("youtu.be", [id]) => youtube(id),
            ("vimeo.com" | "www.vimeo.com", [id]) => vimeo(id),
            ("player.vimeo.com", ["video", id]) => vimeo(id),
            _ => None,
        }
    }

    /// `youtube` or `vimeo`.
    pub fn provider_id(&self) -> &'static str {
        match self.provider {
            Provider::YouTube => "youtube",
            Provider::Vimeo => "vimeo",
        }
    }

    /// `YouTube` or `Vimeo`.
    pub fn provider_name(&self) -> &'static str {
        match self.provider {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The video's own page: where a reader without JavaScript goes.
    pub fn watch_url(&self) -> String {
        match self.provider {
            Provider::YouTube => format!("https://www.youtube.com/watch?v={}", self.id),
            Provider::Vimeo => format!("https://vimeo.com/{}", self.id),
        }
    }

    /// The player, loaded only once the reader asks for it (YouTube's no-cookie host; Vimeo
    /// told not to track).
    pub fn embed_url(&self) -> String {
        match self.provider {
            Provider::YouTube => format!(
                "https://www.youtube-nocookie.com/embed/{}?autoplay=1",
                self.id
            ),
            Provider::Vimeo => format!(
                "https://player.vimeo.com/video/{}?dnt=1&autoplay=1",
                self.id
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_addresses_give_their_id_and_nothing_else_does() {
        let yt = |u: &str| Video::parse(u).map(|v| (v.provider, v.id));
        let id = "dQw4w9WgXcQ".to_string();
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=30",
            "https://youtu.be/dQw4w9WgXcQ",
            "http://m.youtube.com/watch?v=dQw4w9WgXcQ#x",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ",
        ] {
            assert_eq!(yt(url), Some((Provider::YouTube, id.clone())), "{url}");
        }
        for url in [
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871",
        ] {
            assert_eq!(yt(url), Some((Provider::Vimeo, "76979871".into())), "{url}");
        }
        for url in [
            "https://www.youtube.com/watch?v=dQw4w9WgXc",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ\"><script>",
            "https://youtu.be/dQw4w9WgXcQ/extra",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
            "https://vimeo.com/channels/staffpicks/1",
            "https://vimeo.com/12a",
            "youtu.be/dQw4w9WgXcQ",
        ] {
            assert_eq!(yt(url), None, "{url}");
        }
    }

    #[test]
    fn player_addresses_are_built_from_the_id() {
        let v = Video::parse("https://youtu.be/dQw4w9WgXcQ?si=tracking").unwrap();
        assert_eq!(
            v.embed_url(),
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
        );
        assert_eq!(v.watch_url(), "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    }
}
