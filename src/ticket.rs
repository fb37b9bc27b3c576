//! A ticket: named fields of text.

/// A support ticket as the tagger reads it: named fields of text, such as
/// `subject` and `body`, in the order given.
///
/// The tagger reads every field a rule asks for; a rule that names no
/// fields reads them all, including fields the taxonomy does not declare.
///
/// # Example
///
/// ```
/// use ticket_tagger::Ticket;
///
/// let ticket = Ticket::new()
///     .with_field("subject", "SSO login loop")
///     .with_field("body", "Every login through SAML sends me back to the start.");
/// assert_eq!(ticket.fields().len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ticket<'a> {
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Ticket<'a> {
    /// A ticket with no fields yet.
    pub fn new() -> Ticket<'a> {
        Ticket { fields: Vec::new() }
    }

    /// Adds a field, builder style.
    pub fn with_field(mut self, name: &'a str, text: &'a str) -> Ticket<'a> {
        self.push_field(name, text);
        self
    }

    /// Adds a field.
    pub fn push_field(&mut self, name: &'a str, text: &'a str) {
        self.fields.push((name, text));
    }

    /// Removes every field, keeping the allocation for the next ticket.
    pub fn clear(&mut self) {
        self.fields.clear();
    }

    /// The fields as (name, text) pairs, in the order they were added.
    pub fn fields(&self) -> &[(&'a str, &'a str)] {
        &self.fields
    }
}

impl<'a> From<&'a str> for Ticket<'a> {
    /// A ticket whose only field is a `body`.
    fn from(body: &'a str) -> Ticket<'a> {
        Ticket::new().with_field("body", body)
    }
}
