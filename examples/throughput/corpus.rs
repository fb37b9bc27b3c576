//! A deterministic corpus of support tickets for an AI product.
//!
//! The generator writes tickets the way customers do: a subject, a greeting,
//! a few paragraphs of prose, sometimes a pasted log or code in a fence, a
//! quoted earlier reply, a sign-off. Some of the text is not ASCII:
//! typographic quotes, accented names, German, French and Spanish
//! sentences, Chinese, Japanese and Korean ones, emoji. Keywords of the
//! taxonomy under test are mixed into the prose at a fixed rate, so rules
//! fire about as often as they do on real tickets.
//!
//! The same seed and the same keywords give the same corpus, byte for byte:
//! the pseudo-random numbers come from a hand-written splitmix64.

use std::io::{self, BufRead, Write};
use std::ops::Range;

/// A small, fast, deterministic pseudo-random generator (splitmix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator that always yields the same sequence for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// A number in `range`, which must not be empty.
    pub fn within(&mut self, range: Range<usize>) -> usize {
        range.start + self.below(range.end - range.start)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How the generator mixes its ingredients. The defaults give tickets of
/// 80 bytes to 20 KB with a mean near 500 bytes.
#[derive(Clone, Debug)]
pub struct Mix {
    /// The chance that a keyword slot in a sentence gets a taxonomy keyword
    /// rather than a neutral phrase.
    pub keyword_rate: f64,
    /// The chance of a short pasted log or code snippet in a fence.
    pub fenced: f64,
    /// The chance of a long pasted log (2 KB to 19 KB) in a fence.
    pub long_log: f64,
    /// The chance of a quoted earlier reply.
    pub quoted: f64,
    /// The chance of a sentence in German, French or Spanish.
    pub european: f64,
    /// The chance of a sentence in Chinese, Japanese or Korean.
    pub cjk: f64,
    /// The chance of emoji.
    pub emoji: f64,
    /// The chance that the mail client typed curly quotes and apostrophes.
    pub curly: f64,
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            keyword_rate: 0.35,
            fenced: 0.12,
            long_log: 0.012,
            quoted: 0.12,
            european: 0.05,
            cjk: 0.03,
            emoji: 0.06,
            curly: 0.05,
        }
    }
}

/// The smallest and largest ticket, subject and body together, in bytes.
pub const TICKET_BYTES: Range<usize> = 80..20_001;

/// Tickets stored in one buffer: each is a subject and a body.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    text: String,
    tickets: Vec<(Range<usize>, Range<usize>)>,
}

impl Corpus {
    /// Generates tickets until they hold at least `bytes` bytes of text.
    pub fn generate(seed: u64, bytes: usize, keywords: &[String], mix: &Mix) -> Corpus {
        let mut generator = Generator { rng: Rng::new(seed), keywords, mix, out: String::new() };
        let mut corpus = Corpus::default();
        corpus.text.reserve(bytes + TICKET_BYTES.end);
        while corpus.text.len() < bytes {
            let (subject, body) = generator.ticket();
            corpus.push(subject, body);
        }
        corpus
    }

    /// Reads tickets from JSON Lines with `subject` and `body` keys,
    /// repeating them until they hold at least `bytes` bytes of text.
    pub fn from_jsonl(input: impl BufRead, bytes: usize) -> io::Result<Corpus> {
        let mut once = Corpus::default();
        for line in input.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(&line)?;
            let text = |key| value.get(key).and_then(|v| v.as_str()).unwrap_or("");
            once.push(text("subject"), text("body"));
        }
        if once.text.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "no ticket text in input"));
        }
        let mut corpus = once.clone();
        while corpus.text.len() < bytes {
            for (subject, body) in once.iter() {
                corpus.push(subject, body);
            }
        }
        Ok(corpus)
    }

    fn push(&mut self, subject: &str, body: &str) {
        let start = self.text.len();
        self.text.push_str(subject);
        let middle = self.text.len();
        self.text.push_str(body);
        self.tickets.push((start..middle, middle..self.text.len()));
    }

    /// The number of tickets.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// The bytes of text of all tickets.
    pub fn bytes(&self) -> usize {
        self.text.len()
    }

    /// The bytes of text of the tickets in `range`.
    pub fn bytes_of(&self, range: Range<usize>) -> usize {
        match (self.tickets.get(range.start), range.end.checked_sub(1)) {
            (Some(first), Some(last)) if range.start < range.end => {
                self.tickets[last].1.end - first.0.start
            }
            _ => 0,
        }
    }

    /// The subject and body of ticket `index`.
    pub fn ticket(&self, index: usize) -> (&str, &str) {
        let (subject, body) = &self.tickets[index];
        (&self.text[subject.clone()], &self.text[body.clone()])
    }

    /// Every ticket's subject and body, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        (0..self.len()).map(|i| self.ticket(i))
    }

    /// The first tickets holding at least `bytes` bytes, as a range.
    pub fn prefix(&self, bytes: usize) -> Range<usize> {
        0..self.tickets.partition_point(|t| t.0.start < bytes)
    }

    /// Cuts the tickets into `parts` ranges of about equal bytes.
    pub fn split(&self, parts: usize) -> Vec<Range<usize>> {
        let parts = parts.max(1);
        let mut ranges = Vec::with_capacity(parts);
        let mut start = 0;
        for part in 1..=parts {
            let goal = self.bytes() * part / parts;
            let end = if part == parts { self.len() } else { self.prefix(goal).end };
            ranges.push(start..end.max(start));
            start = end.max(start);
        }
        ranges
    }

    /// Writes the tickets as JSON Lines: `id`, `subject` and `body`.
    pub fn write_jsonl(&self, mut out: impl Write) -> io::Result<()> {
        for (index, (subject, body)) in self.iter().enumerate() {
            let subject = serde_json::to_string(subject)?;
            let body = serde_json::to_string(body)?;
            writeln!(out, r#"{{"id":"G-{:07}","subject":{subject},"body":{body}}}"#, index + 1)?;
        }
        out.flush()
    }
}

/// A log of `bytes` bytes or a little more, as pasted from a terminal.
pub fn log_lines(rng: &mut Rng, bytes: usize, out: &mut String) {
    let start = out.len();
    let mut second = rng.below(3600);
    while out.len() - start < bytes {
        second += rng.within(0..4);
        let stamp = format!(
            "2026-03-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            1 + second / 86_400 % 28,
            second / 3600 % 24,
            second / 60 % 60,
            second % 60,
            rng.below(1000)
        );
        let line = if rng.chance(0.04) {
            rng.pick(LOG_FAILURES).to_string()
        } else {
            let status = *rng.pick(&[200, 200, 200, 200, 201, 204, 400, 404, 429, 500, 503]);
            let route = rng.pick(ROUTES);
            let level = if status >= 400 { "WARN " } else { "INFO " };
            format!(
                "{level} {route} status={status} latency_ms={} req=req_{:012x}",
                rng.within(20..4000),
                rng.next_u64() >> 16
            )
        };
        out.push_str(&stamp);
        out.push(' ');
        out.push_str(&line);
        out.push('\n');
    }
}

struct Generator<'k> {
    rng: Rng,
    keywords: &'k [String],
    mix: &'k Mix,
    out: String,
}

impl Generator<'_> {
    /// One ticket, returned as subject and body slices of `self.out`.
    fn ticket(&mut self) -> (&str, &str) {
        self.out.clear();
        let subject_template = *self.rng.pick(SUBJECTS);
        self.fill(subject_template);
        if self.rng.chance(self.mix.emoji / 3.0) {
            self.out.push(' ');
            let emoji = *self.rng.pick(EMOJI);
            self.out.push_str(emoji);
        }
        let subject_end = self.out.len();

        if self.rng.chance(0.7) {
            let greeting = *self.rng.pick(GREETINGS);
            self.out.push_str(greeting);
            self.out.push_str("\n\n");
        }
        let paragraphs = self.rng.within(1..4);
        for paragraph in 0..paragraphs {
            self.paragraph();
            if paragraph == 0 {
                self.attachments();
            }
        }
        if self.rng.chance(self.mix.quoted) {
            self.quoted_reply();
        }
        self.sign_off();

        // Too short: customers who write one line still write a subject.
        while self.out.len() < TICKET_BYTES.start {
            self.out.push(' ');
            self.sentence();
        }
        let mut subject_end = subject_end;
        if self.rng.chance(self.mix.curly) {
            let subject = self.out[..subject_end].replace('\'', "\u{2019}");
            let body = self.out[subject_end..].replace('\'', "\u{2019}");
            subject_end = subject.len();
            self.out = subject + &body.replacen('"', "\u{201c}", 1);
        }
        let end = floor_char_boundary(&self.out, TICKET_BYTES.end - 1);
        let subject_end = subject_end.min(end);
        (&self.out[..subject_end], &self.out[subject_end..end])
    }

    fn paragraph(&mut self) {
        let sentences = self.rng.within(1..5);
        for index in 0..sentences {
            if index > 0 {
                self.out.push(' ');
            }
            if self.rng.chance(self.mix.european / 3.0) {
                let sentence = *self.rng.pick(EUROPEAN);
                self.out.push_str(sentence);
            } else if self.rng.chance(self.mix.cjk / 3.0) {
                let sentence = *self.rng.pick(CJK);
                self.out.push_str(sentence);
            } else {
                self.sentence();
            }
        }
        if self.rng.chance(self.mix.emoji / 3.0) {
            self.out.push(' ');
            let emoji = *self.rng.pick(EMOJI);
            self.out.push_str(emoji);
        }
        self.out.push_str("\n\n");
    }

    fn sentence(&mut self) {
        let template = *self.rng.pick(SENTENCES);
        self.fill(template);
    }

    /// Logs and code the customer pasted below the first paragraph.
    fn attachments(&mut self) {
        if self.rng.chance(self.mix.long_log) {
            let budget = TICKET_BYTES.end - 1_000 - self.out.len().min(TICKET_BYTES.end - 3_000);
            let bytes = self.rng.within(2_000..budget);
            self.out.push_str("Here is the full log:\n\n```\n");
            log_lines(&mut self.rng, bytes, &mut self.out);
            self.out.push_str("```\n\n");
        } else if self.rng.chance(self.mix.fenced) {
            if self.rng.chance(0.5) {
                self.out.push_str("This is what we see in the logs:\n\n```\n");
                let bytes = self.rng.within(150..900);
                log_lines(&mut self.rng, bytes, &mut self.out);
            } else {
                self.out.push_str("Minimal code to reproduce:\n\n```python\n");
                let snippet = *self.rng.pick(CODE);
                self.out.push_str(snippet);
            }
            self.out.push_str("```\n\n");
        }
    }

    fn quoted_reply(&mut self) {
        let day = *self.rng.pick(&["Mon", "Tue", "Wed", "Thu", "Fri"]);
        let date = self.rng.within(1..29);
        self.out.push_str(&format!("On {day}, {date} Mar 2026, Lumen Support wrote:\n"));
        let lines = self.rng.within(2..6);
        for _ in 0..lines {
            let line = *self.rng.pick(QUOTED);
            self.out.push_str("> ");
            self.out.push_str(line);
            self.out.push('\n');
        }
        self.out.push('\n');
    }

    fn sign_off(&mut self) {
        let closing = *self.rng.pick(CLOSINGS);
        self.out.push_str(closing);
        self.out.push('\n');
        let non_ascii = self.mix.european + self.mix.cjk;
        let names: &[&str] = if self.rng.chance(non_ascii) { ACCENTED_NAMES } else { NAMES };
        let name = *self.rng.pick(names);
        self.out.push_str(name);
    }

    /// Writes a template, replacing its slots: `{K}` a keyword, `{F}` a
    /// product feature, `{T}` a time, `{N}` a number.
    fn fill(&mut self, template: &str) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            self.out.push_str(&rest[..open]);
            let slot = rest.as_bytes().get(open + 1).copied().unwrap_or(b'?');
            match slot {
                b'K' if !self.keywords.is_empty() && self.rng.chance(self.mix.keyword_rate) => {
                    let keyword = self.rng.pick(self.keywords);
                    self.out.push_str(keyword);
                }
                b'K' => {
                    let neutral = *self.rng.pick(NEUTRAL);
                    self.out.push_str(neutral);
                }
                b'F' => {
                    let feature = *self.rng.pick(FEATURES);
                    self.out.push_str(feature);
                }
                b'T' => {
                    let time = *self.rng.pick(TIMES);
                    self.out.push_str(time);
                }
                _ => {
                    let number = self.rng.within(2..5000);
                    self.out.push_str(&number.to_string());
                }
            }
            rest = rest.get(open + 3..).unwrap_or("");
        }
        self.out.push_str(rest);
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

const SUBJECTS: &[&str] = &[
    "{F} {K} {T}",
    "{K} when using {F}",
    "Question about {F}",
    "{F} not working",
    "Urgent: {K}",
    "Re: {F} issue",
    "{K}",
    "Help with {F} and {K}",
    "Can't get {F} to work",
    "Feedback on {F}",
    "Problem with {F} since the update",
];

const SENTENCES: &[&str] = &[
    "When I use {F}, I get {K} {T}.",
    "We are on the business plan and this keeps happening {T}.",
    "Our team of {N} people relies on {F} every day.",
    "I already tried logging out and back in, clearing the cache and another browser.",
    "It worked fine until the release last Tuesday.",
    "Could you please look into this? It is blocking our whole team.",
    "Steps to reproduce: open {F}, paste a long document, and press Send.",
    "The response just says \"{K}\" and nothing else.",
    "Request id: req_{N}a7f{N}.",
    "Is this a known issue, or is something wrong with our setup?",
    "I don't think this is expected, because {F} did the right thing last week.",
    "We see {K} in about one request out of {N}.",
    "Honestly, {K} is what worries me most.",
    "I'm not sure whether this is {K} or a problem on our side.",
    "Since {T} we get {K} whenever someone opens {F}.",
    "The docs say {F} should handle this, but it doesn't.",
    "Our admin changed nothing in the workspace settings.",
    "Can you tell me how {F} is supposed to work with shared folders?",
    "This happens with both the web app and the desktop app.",
    "It is not a network problem: everything else loads fine.",
    "Every few minutes {F} shows {K} and we have to start over.",
    "We would like to roll this out to {N} more users next month.",
    "My colleague gets the same result on her machine.",
    "The assistant answered in a way that had nothing to do with {K}.",
    "I have attached a screenshot of {F} showing {K}.",
    "No error is shown, the spinner just keeps going.",
    "Please advise, we have a demo for a customer on Friday.",
    "After {N} seconds the page reloads and the draft is gone.",
    "We pay for {N} seats, so we expected {F} to just work.",
    "Is there any setting I missed?",
];

const NEUTRAL: &[&str] = &[
    "this",
    "an issue",
    "a problem",
    "the same thing",
    "odd behaviour",
    "a delay",
    "a blank page",
    "a spinner",
    "a warning",
    "something strange",
    "an empty reply",
    "the old version",
];

const FEATURES: &[&str] = &[
    "the chat",
    "the API",
    "document upload",
    "the knowledge base",
    "search",
    "the summariser",
    "the Slack app",
    "the Zendesk integration",
    "the playground",
    "fine-tuning",
    "the batch API",
    "the embeddings endpoint",
    "voice mode",
    "the browser extension",
    "the agent builder",
    "export to PDF",
    "the admin console",
    "shared workspaces",
    "the Python SDK",
    "citations",
];

const TIMES: &[&str] = &[
    "since this morning",
    "since yesterday",
    "after the last update",
    "for about a week",
    "every few minutes",
    "intermittently",
    "on every request",
    "since we upgraded",
];

const GREETINGS: &[&str] = &[
    "Hi team,",
    "Hello,",
    "Hi there,",
    "Good morning,",
    "Dear support,",
    "Hey,",
    "Hi Lumen team,",
];

const CLOSINGS: &[&str] =
    &["Thanks,", "Thank you,", "Best regards,", "Cheers,", "Kind regards,", "Thanks in advance,"];

const NAMES: &[&str] = &["Maria", "Tom", "Priya", "Alex", "Sam", "Jordan", "Chen Wei", "Lisa"];

const ACCENTED_NAMES: &[&str] =
    &["José", "Zoë", "Jürgen Müller", "Søren", "Inès", "Łukasz", "田中 翔太", "Ángela", "Ayşe"];

const EUROPEAN: &[&str] = &[
    "Leider funktioniert der Export seit dem Update nicht mehr.",
    "Die Antworten sind oft falsch und erfinden Quellen, die es nicht gibt.",
    "Zugriff verweigert, sobald ich größere Dateien hochlade.",
    "Bonjour, l'assistant répond toujours à côté de la question.",
    "Je ne trouve pas où modifier les paramètres de l'équipe.",
    "¿Cómo puedo cambiar el idioma de las respuestas?",
    "La integración con Slack dejó de funcionar después de la actualización.",
    "Merci d'avance pour votre aide, c'est assez urgent.",
];

const CJK: &[&str] = &[
    "无法连接服务器，请帮忙看一下。",
    "ログインできません。パスワードは正しいです。",
    "API 키가 작동하지 않습니다.",
    "回答が間違っています。",
    "上传文件后，回答里没有引用。",
];

const EMOJI: &[&str] = &["🙏", "😡", "🔥", "👍", "🤔", "✅", "❌", "🚀", "😅"];

const QUOTED: &[&str] = &[
    "Thanks for reaching out. Could you share the request id and the time it happened?",
    "We have forwarded this to our engineering team.",
    "In the meantime, could you try again with a smaller document?",
    "This should be fixed in the latest release, please let us know if it persists.",
    "Best,",
    "Lumen Support",
];

const ROUTES: &[&str] = &[
    "POST /v1/chat/completions",
    "POST /v1/embeddings",
    "GET /v1/files",
    "POST /v1/files/upload",
    "GET /v1/workspaces/current",
    "POST /v1/batches",
];

const LOG_FAILURES: &[&str] = &[
    "ERROR upstream: connection refused (os error 111)",
    "ERROR request failed: timed out after 30000ms",
    "ERROR {\"error\": {\"type\": \"rate_limit_error\", \"message\": \"Rate limit reached\"}}",
    "ERROR 401 Unauthorized: invalid api key",
    "ERROR Traceback (most recent call last): File \"client.py\", line 88, in send",
    "WARN  context length exceeded: 131072 tokens, truncating history",
    "ERROR worker crashed: panicked at 'index out of bounds', src/queue.rs:212:9",
    "WARN  webhook delivery failed, retrying in 60s",
];

const CODE: &[&str] = &[
    "import lumen\n\nclient = lumen.Client(api_key=os.environ[\"LUMEN_API_KEY\"])\n\
     resp = client.chat.create(model=\"lumen-large\", messages=msgs, max_tokens=1024)\n\
     print(resp.choices[0].message.content)\n",
    "for doc in docs:\n    client.files.upload(doc, purpose=\"search\")\n\
     results = client.search(query, top_k=5)\n",
    "curl https://api.lumen.example/v1/chat/completions \\\n  -H \"Authorization: Bearer $KEY\" \\\n\
     \x20 -d '{\"model\": \"lumen-large\", \"stream\": true}'\n",
];
