//! The link form: five fields, validated with the domain rules on every keystroke.
//!
//! The destination is prefilled from the selected user; the source provider is a choice
//! among the pool's identity providers, its attribute name a choice among suggestions (or,
//! for SAML/OIDC, any typed claim name), the values are text inputs (`edit.rs`). An empty
//! field's "is required" waits until the field is left or Enter is pressed.
//! Validation needs facts about the pool: [`loaded_context`] builds them from what the UI
//! has loaded, and a fresh check with Cognito (`link_facts`) is merged in when it answers.

use tui_input::Input;

use super::msg::RequestId;
use crate::domain::{
    COGNITO_SUBJECT, IdentityProviderInfo, LinkContext, LinkRequest, Part, ProviderUserIdentifier,
    Role, Rule, UserRecord, Violation, check_link,
};

mod edit;
mod loaded;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod value_tests;

pub use edit::control_characters;
pub use loaded::{linked_to, loaded_context};

/// The form's fields, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormField {
    DestProvider,
    DestValue,
    SrcProvider,
    SrcAttribute,
    SrcValue,
}

impl FormField {
    pub const ALL: [FormField; 5] = [
        FormField::DestProvider,
        FormField::DestValue,
        FormField::SrcProvider,
        FormField::SrcAttribute,
        FormField::SrcValue,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FormField::DestProvider | FormField::SrcProvider => "ProviderName",
            FormField::DestValue | FormField::SrcValue => "AttributeValue",
            FormField::SrcAttribute => "AttributeName",
        }
    }

    /// A text input (the others are choices among the pool's providers and names).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FormField::DestProvider | FormField::DestValue | FormField::SrcValue
        )
    }

    fn step(self, delta: isize) -> FormField {
        let i = FormField::ALL.iter().position(|f| *f == self).unwrap_or(0) as isize;
        let n = FormField::ALL.len() as isize;
        FormField::ALL[(i + delta).rem_euclid(n) as usize]
    }

    /// The field a violation is shown under; `None` for the form as a whole.
    pub fn of(v: &Violation) -> Option<FormField> {
        use crate::domain::Field;
        match v.field {
            Field::Member(Role::Destination, Part::ProviderName) => Some(FormField::DestProvider),
            Field::Member(Role::Destination, _) | Field::Identifier(Role::Destination) => {
                Some(FormField::DestValue)
            }
            Field::Member(Role::Source, Part::ProviderName) => Some(FormField::SrcProvider),
            Field::Member(Role::Source, Part::AttributeName) => Some(FormField::SrcAttribute),
            Field::Member(Role::Source, Part::AttributeValue) | Field::Identifier(Role::Source) => {
                Some(FormField::SrcValue)
            }
            _ => None,
        }
    }
}

/// What the form is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormPhase {
    Editing,
    /// Waiting for `link_facts` before the review.
    Checking {
        request_id: RequestId,
    },
}

/// A message about a field (or the whole form, `field: None`) from outside the rules: a
/// refusal by Cognito, or a failed read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldNote {
    pub field: Option<FormField>,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct LinkForm {
    pub pool_id: String,
    pub dest_provider: Input,
    pub dest_value: Input,
    /// `None` while ListIdentityProviders runs.
    pub providers: Option<Vec<IdentityProviderInfo>>,
    /// The chosen source provider, by name (kept when the provider list is re-read).
    pub src_provider: Option<String>,
    /// The chosen attribute name; only used for SAML/OIDC providers.
    pub src_attribute: String,
    pub src_value: Input,
    pub focus: FormField,
    pub phase: FormPhase,
    /// Every rule the current values break (recomputed after each edit).
    pub violations: Vec<Violation>,
    /// Violations Cognito's fresh facts showed for exactly this request.
    pub checked: Option<(LinkRequest, Vec<Violation>)>,
    pub note: Option<FieldNote>,
    /// Fields left (or edited) since the form opened: their "is required" shows.
    pub touched: Vec<FormField>,
    /// Enter was pressed once: every field's "is required" shows.
    pub submitted: bool,
}

/// The identifier that names `user` as a link destination: `Cognito` + username for a
/// native user, its own provider and subject for a federated one.
pub fn destination_of(user: &UserRecord) -> ProviderUserIdentifier {
    match user.primary_identity() {
        Some(id) => ProviderUserIdentifier::new(id.provider_name, None, id.user_id),
        None => ProviderUserIdentifier::cognito_user(user.username()),
    }
}

impl LinkForm {
    pub fn new(
        pool_id: &str,
        destination: &ProviderUserIdentifier,
        providers: Option<Vec<IdentityProviderInfo>>,
    ) -> LinkForm {
        LinkForm {
            pool_id: pool_id.to_owned(),
            dest_provider: Input::new(destination.name().to_owned()),
            dest_value: Input::new(destination.value().to_owned()),
            providers,
            src_provider: None,
            src_attribute: COGNITO_SUBJECT.to_owned(),
            src_value: Input::default(),
            focus: FormField::SrcProvider,
            phase: FormPhase::Editing,
            violations: Vec::new(),
            checked: None,
            note: None,
            touched: Vec::new(),
            submitted: false,
        }
    }

    pub fn provider(&self) -> Option<&IdentityProviderInfo> {
        let name = self.src_provider.as_deref()?;
        self.providers.as_ref()?.iter().find(|p| p.name == name)
    }

    /// Attribute names suggested for the chosen provider's identities (SAML/OIDC accept any
    /// claim name; one outside these earns [`LinkForm::attribute_warning`]).
    pub fn attribute_choices(&self) -> Vec<String> {
        match self.provider() {
            Some(p) => p.suggested_attribute_names(),
            None => vec![COGNITO_SUBJECT.to_owned()],
        }
    }

    /// A warning about the source attribute name, not a refusal: see
    /// `IdentityProviderInfo::attribute_warning`.
    pub fn attribute_warning(&self) -> Option<String> {
        self.provider()?.attribute_warning(self.attribute())
    }

    /// The attribute name sent: forced to `Cognito_Subject` for social providers.
    pub fn attribute(&self) -> &str {
        match self.provider() {
            Some(p) if p.provider_type.is_social() => COGNITO_SUBJECT,
            _ => &self.src_attribute,
        }
    }

    /// The request the form describes; the destination's attribute name is left out
    /// (Cognito ignores it).
    pub fn request(&self) -> LinkRequest {
        // An empty provider name is left out, so the rules say "is required" rather than
        // the model's minimum length (which would hide every other problem).
        let name = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let destination = ProviderUserIdentifier {
            provider_name: name(self.dest_provider.value()),
            provider_attribute_name: None,
            provider_attribute_value: Some(self.dest_value.value().to_owned()),
        };
        let source = ProviderUserIdentifier {
            provider_name: self.src_provider.clone(),
            provider_attribute_name: Some(self.attribute().to_owned()),
            provider_attribute_value: Some(self.src_value.value().to_owned()),
        };
        LinkRequest::new(&self.pool_id, destination, source)
    }

    /// Re-validates with `ctx`, plus what Cognito's fresh facts said of this exact request.
    pub fn validate(&mut self, ctx: &LinkContext) {
        let req = self.request();
        let mut violations = check_link(&req, ctx);
        if let Some((checked_req, checked)) = &self.checked
            && *checked_req == req
        {
            for v in checked {
                if !violations.contains(v) {
                    violations.push(v.clone());
                }
            }
        }
        self.violations = violations;
    }

    pub fn is_valid(&self) -> bool {
        self.violations.is_empty() && self.providers.is_some()
    }

    pub fn errors_for(&self, field: Option<FormField>) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(move |v| FormField::of(v) == field)
    }

    /// The errors shown under `field`: an empty field's "is required" waits until the field
    /// is left or edited, or Enter is pressed, so a new form does not open in red.
    pub fn shown_errors_for(&self, field: Option<FormField>) -> impl Iterator<Item = &Violation> {
        self.errors_for(field).filter(move |v| {
            !matches!(v.rule, Rule::Required | Rule::Missing)
                || self.submitted
                || field.is_none_or(|f| self.touched.contains(&f))
        })
    }

    /// Whether any error is shown (the others wait, see [`LinkForm::shown_errors_for`]).
    pub fn shows_errors(&self) -> bool {
        std::iter::once(None)
            .chain(FormField::ALL.map(Some))
            .any(|f| self.shown_errors_for(f).next().is_some())
    }

    fn touch(&mut self, field: FormField) {
        if !self.touched.contains(&field) {
            self.touched.push(field);
        }
    }

    pub fn move_focus(&mut self, delta: isize) {
        self.touch(self.focus);
        self.focus = self.focus.step(delta);
    }

    /// Whether the attribute name is typed as well as chosen: a SAML or OIDC provider
    /// accepts any claim name.
    pub fn attribute_is_free(&self) -> bool {
        self.provider()
            .is_some_and(|p| !p.provider_type.is_social())
    }

    /// Where the attribute name is among the suggestions (`None`: typed, not suggested).
    pub fn attribute_choice(&self) -> Option<usize> {
        self.attribute_choices()
            .iter()
            .position(|c| *c == self.src_attribute)
    }

    fn input_mut(&mut self, field: FormField) -> Option<&mut Input> {
        match field {
            FormField::DestProvider => Some(&mut self.dest_provider),
            FormField::DestValue => Some(&mut self.dest_value),
            FormField::SrcValue => Some(&mut self.src_value),
            FormField::SrcProvider | FormField::SrcAttribute => None,
        }
    }

    pub fn input(&self, field: FormField) -> Option<&Input> {
        match field {
            FormField::DestProvider => Some(&self.dest_provider),
            FormField::DestValue => Some(&self.dest_value),
            FormField::SrcValue => Some(&self.src_value),
            FormField::SrcProvider | FormField::SrcAttribute => None,
        }
    }

    /// Chooses the provider at `index`; the attribute goes back to `Cognito_Subject` (the
    /// only choice for social providers).
    pub fn choose_provider(&mut self, index: usize) {
        self.src_provider = self
            .providers
            .as_ref()
            .and_then(|ps| ps.get(index))
            .map(|p| p.name.clone());
        self.src_attribute = COGNITO_SUBJECT.to_owned();
    }

    fn provider_index(&self) -> Option<usize> {
        let name = self.src_provider.as_deref()?;
        self.providers.as_ref()?.iter().position(|p| p.name == name)
    }
}
