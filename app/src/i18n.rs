//! BITA's i18n layer: Swedish by default, English available.
//!
//! Every UI string is a key in the table below with both languages; the macro makes a missing
//! translation a compile error. Components never hold UI text of their own. (leptos_i18n was
//! considered; its 0.6 build-time code generation pulls in ICU's data exporter and an HTTP
//! client, ~490 crates, which a cold 2-core CI build cannot afford.)

use crate::domain::{MonthStatus, RowError, RowField, TimeKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Sv,
    En,
}

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "bita_lang";

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "sv" => Some(Locale::Sv),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Reads the language cookie from a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Locale::from_code(v))
            .unwrap_or_default()
    }

    pub fn t(self, key: T) -> &'static str {
        key.text(self)
    }
}

macro_rules! texts {
    (island { $($ik:ident => $isv:literal, $ien:literal;)* } server { $($sk:ident => $ssv:literal, $sen:literal;)* }) => {
        /// UI text keys.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub enum T { $($ik,)* $($sk,)* }
        impl T {
            /// The text in `locale`. In the browser (the islands' wasm) only the `island` texts
            /// exist: every other page is rendered on the server, and leaving its texts out
            /// keeps the phone's first download small. An island that shows a `server` text
            /// would show it empty: such a key belongs in the `island` block.
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((T::$ik, Locale::Sv) => $isv, (T::$ik, Locale::En) => $ien,)*
                    $(#[cfg(feature = "ssr")] (T::$sk, Locale::Sv) => $ssv, #[cfg(feature = "ssr")] (T::$sk, Locale::En) => $sen,)*
                    #[cfg(not(feature = "ssr"))]
                    _ => "",
                }
            }
        }
    };
}

texts! {
    island {
        Recipient => "Brukare", "Recipient";
        ChooseRecipient => "Välj brukare", "Choose recipient";
        Date => "Datum", "Date";
        Start => "Från", "From";
        End => "Till", "To";
        NextDay => "Passet slutar nästa dag (efter midnatt)", "The shift ends the next day (after midnight)";
        Kind => "Typ av tid", "Kind of time";
        SaveRow => "Spara", "Save";
        FormHasErrors => "Tiden sparades inte. Rätta det som är markerat och spara igen.", "The time was not saved. Correct what is marked and save again.";
        Duration => "Längd", "Duration";
        DstNote => "Sommartid/vintertid ändras under passet; längden är den verkliga tiden.", "Daylight saving time changes during the shift; the duration is the real time.";
        Checks => "Kontroller", "Checks";
        KindAktiv => "Aktiv tid", "Active time";
        KindVantetid => "Väntetid", "Waiting time";
        KindBeredskap => "Beredskap", "Standby";
        ErrRecipientMissing => "Välj vilken brukare tiden gäller.", "Choose which recipient the time is for.";
        ErrNotAssigned => "Du är inte assistent åt den brukaren det datumet. Välj en av dina brukare eller kontakta din arbetsledare.", "You are not an assistant for that recipient on that date. Choose one of your recipients or contact your supervisor.";
        ErrDateInvalid => "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-23.", "Write the date as YYYY-MM-DD, for example 2026-11-23.";
        ErrTimeInvalid => "Skriv tiden som TT:MM, till exempel 07:30.", "Write the time as HH:MM, for example 07:30.";
        ErrTimeNonexistent => "Den tiden finns inte: klockan hoppar från 02:00 till 03:00 när sommartiden börjar. Skriv den tid klockan visade.", "That time does not exist: clocks jump from 02:00 to 03:00 when summer time starts. Write the time the clock showed.";
        ErrTimeAmbiguous => "Den tiden finns två gånger natten då sommartiden slutar (02:00–03:00). Välj nedan om det var första gången (sommartid) eller andra gången (vintertid).", "That time occurs twice the night summer time ends (02:00–03:00). Choose below whether it was the first time (summer time) or the second (winter time).";
        FoldQuestion => "Klockan 02–03 gick två gånger den natten. Vilken gång?", "The clock passed 02–03 twice that night. Which time?";
        FoldChoose => "Välj", "Choose";
        FoldEndQuestion => "Och sluttiden – vilken gång gick klockan 02–03 då?", "And the end time – which time did the clock pass 02–03 then?";
        FoldSummer => "Första gången (sommartid)", "The first time (summer time)";
        FoldWinter => "Andra gången (vintertid)", "The second time (winter time)";
        ErrEndNotAfterStart => "Sluttiden måste vara efter starttiden. Slutar passet efter midnatt? Kryssa i ”Passet slutar nästa dag”.", "The end must be after the start. Does the shift end after midnight? Tick “The shift ends the next day”.";
        ErrKindInvalid => "Välj typ av tid: aktiv tid, väntetid eller beredskap.", "Choose the kind of time: active, waiting or standby.";
        ErrOverlap => "Tiden krockar med en annan rad du har rapporterat", "The time overlaps another row you have reported";
        ErrOverlapFix => "Ändra tiderna så att passen inte överlappar.", "Change the times so the shifts do not overlap.";
        ErrMonthLocked => "Månaden är redan inskickad för den brukaren och kan inte ändras. Ta tillbaka den med knappen vid månaden om den inte är godkänd än; annars kan brukaren returnera den.", "The month is already submitted for that recipient and cannot be changed. Take it back with the button by the month if it is not approved yet; otherwise the recipient can return it.";
        ErrTooFarAhead => "Du kan bara rapportera planerade pass några dagar framåt. Senaste datum nu är", "Planned shifts can only be entered a few days ahead. The last date now is";
        ErrMonthClosed => "Den månaden är stängd: sista dag till Försäkringskassan var", "That month is closed: the last day for Försäkringskassan was";
        ErrMonthClosedFix => "Tiden sparades inte. Be kommunen (administratören) om en rättelse.", "The time was not saved. Ask the municipality (the administrator) for a correction.";
        ErrNoDecision => "Brukaren har inget beslut om assistans det datumet. Kontrollera datumet eller kontakta din arbetsledare.", "The recipient has no decision on assistance on that date. Check the date or contact your supervisor.";
        SaveChange => "Spara ändringen", "Save the change";
        ErrTooLongForOneRow => "Passet sträcker sig över mer än två dygn och ryms inte på en rad. Avbryt passet och skriv in tiden dag för dag.", "The shift spans more than two days and does not fit on one row. Cancel the shift and enter the time day by day.";
        LinkMonthRow => "Visa i tabellen", "Show in the table";
        LinkAssistant => "Assistentkort", "Assistant card";
        LinkRecipient => "Brukarkort", "Recipient card";
        AdminClaim => "Räkning", "Claim";
    }
    server {
        AppName => "BITA", "BITA";
        AppTagline => "Tidrapportering för personlig assistans", "Time reporting for personal assistance";
        SkipToContent => "Hoppa till innehållet", "Skip to content";
        Language => "Språk", "Language";
        SwitchLanguage => "In English", "På svenska";
        LogOut => "Logga ut", "Log out";
        LoggedInAs => "Inloggad som", "Logged in as";
        LogInTitle => "Logga in", "Log in";
        Username => "Användarnamn", "Username";
        Password => "Lösenord", "Password";
        LogInButton => "Logga in", "Log in";
        LoginFailed => "Fel användarnamn eller lösenord. Kontrollera och försök igen.", "Wrong username or password. Check them and try again.";
        LoginMissing => "Fyll i både användarnamn och lösenord.", "Fill in both username and password.";
        Forbidden => "Den här sidan hör till en annan roll. Du har inte behörighet att se den.", "This page belongs to another role. You are not allowed to see it.";
        ToStartPage => "Till din startsida", "To your start page";
        NotFound => "Sidan finns inte.", "Page not found.";
        Month => "Månad", "Month";
        PreviousMonth => "Föregående månad", "Previous month";
        NextMonth => "Nästa månad", "Next month";
        ShowMonth => "Visa", "Show";
        Deadline => "Sista dag till Försäkringskassan", "Deadline at Försäkringskassan";
        // Assistant
        AssistantTitle => "Min tid", "My time";
        AddRowTitle => "Lägg till tid", "Add time";
        RowSaved => "Tiden är sparad.", "The time is saved.";
        NoRows => "Inga rader den här månaden.", "No rows this month.";
        Rows => "Rader", "Rows";
        Total => "Summa", "Total";
        Totals => "Summor per typ", "Totals per kind";
        PayableHours => "Beräknade timmar för ersättning", "Estimated payable hours";
        Delete => "Ta bort", "Delete";
        RowDeleted => "Raden är borttagen.", "The row is deleted.";
        SubmitMonth => "Skicka in månaden", "Submit the month";
        SubmitAttest => "Jag intygar på heder och samvete att uppgifterna är riktiga.", "I attest on my honour that the information is correct.";
        SubmitNeedsAttest => "Kryssa i intygandet för att skicka in månaden.", "Tick the attestation to submit the month.";
        SubmitNeedsRows => "Det finns inga rader att skicka in för den här brukaren.", "There are no rows to submit for this recipient.";
        MonthSubmitted => "Månaden är inskickad till brukaren för godkännande.", "The month is submitted to the recipient for approval.";
        RejectedBecause => "Returnerad av brukaren:", "Returned by the recipient:";
        CorrectedBecause => "Öppnad igen av kommunen för rättelse:", "Reopened by the municipality for a correction:";
        Status => "Status", "Status";
        // Recipient
        RecipientTitle => "Assistenternas tid", "The assistants' time";
        Assistant => "Assistent", "Assistant";
        Approve => "Godkänn", "Approve";
        Reject => "Returnera", "Return";
        RejectReason => "Skäl till att tiden returneras", "Why the time is returned";
        RejectNeedsReason => "Skriv varför du returnerar tiden, så att assistenten vet vad som ska rättas.", "Write why you return the time, so the assistant knows what to correct.";
        MonthApproved => "Månaden är godkänd.", "The month is approved.";
        MonthRejected => "Månaden är returnerad till assistenten.", "The month is returned to the assistant.";
        NothingToApprove => "Inga assistenter har rapporterat tid den här månaden.", "No assistant has reported time this month.";
        ActingFor => "Du företräder", "You act for";
        NotAllowed => "Det här får du inte göra. Kontrollera att månaden är inskickad och att den gäller din brukare.", "You may not do this. Check that the month is submitted and concerns your recipient.";
        // Admin
        AdminTitle => "Månadens status", "Status of the month";
        DownloadCsv => "Ladda ner månadens rader (CSV)", "Download the month's rows (CSV)";
        NoMonths => "Ingen tid rapporterad den här månaden.", "No time reported this month.";
        PreflightTitle => "Kontroll inför export", "Check before export";
        PreflightReady => "Inga fel hindrar export.", "No errors stand in the way of export.";
        PreflightBlocked => "fel måste rättas före export", "errors must be corrected before export";
        PreflightWarnings => "varningar att se över", "warnings to look at";
        // Kinds and statuses
        StatusDraft => "Utkast", "Draft";
        StatusSubmitted => "Inskickad", "Submitted";
        StatusApproved => "Godkänd", "Approved";
        StatusAttested => "Attesterad", "Attested";
        StatusExported => "Exporterad", "Exported";
        // Row errors
        RepeatedHourTitle => "Rader i timmen som går två gånger", "Rows in the hour that happens twice";
        RepeatedHourNote => "De här raderna börjar eller slutar mellan 02:00 och 03:00 natten då sommartiden slutar. Försäkringskassans summa för tidsredovisningen kan då skilja sig från räkningen. Kontrollera med Försäkringskassan innan du skickar.", "These rows start or end between 02:00 and 03:00 the night summer time ends. Försäkringskassan's sum of the time report may then differ from the claim. Check with Försäkringskassan before you send.";
        RowSavedNotClaimable => "Tiden är sparad, men raden kan inte tas med i räkningen till Försäkringskassan förrän felet nedan är rättat. Lönen påverkas inte.", "The time is saved, but the row cannot be claimed from Försäkringskassan until the error below is fixed. Wages are not affected.";
        AttestNeedsApproval => "Bara en godkänd månad kan attesteras.", "Only an approved month can be attested.";
        AttestContentChanged => "Raderna har ändrats sedan brukaren godkände månaden. Den behöver godkännas igen innan den kan attesteras.", "The rows have changed since the recipient approved the month. It needs approval again before it can be attested.";
        AttestPeopleMissing => "Uppgifter om brukaren, assistenten eller kommunen saknas eller är felaktiga. Rätta registret och försök igen.", "Details of the recipient, the assistant or the municipality are missing or wrong. Correct the register and try again.";
        MonthAttested => "Tidsredovisningen är attesterad och låst.", "The time report is attested and locked.";
        MonthsAttested => "Attesterade tidsredovisningar:", "Time reports attested:";
        NothingToAttest => "Inga godkända månader utan fel fanns att attestera.", "There were no approved months without errors to attest.";
        Attest => "Attestera", "Attest";
        AttestReady => "Attestera alla godkända utan fel", "Attest every approved month without errors";
        Download3059 => "Hämta 3059 (XML)", "Download 3059 (XML)";
        Action => "Åtgärd", "Action";
        AssistantSaved => "Assistenten är sparad.", "The assistant is saved.";
        AssistantsTitle => "Assistenter", "Assistants";
        NewAssistant => "Ny assistent", "New assistant";
        EditAssistant => "Ändra assistent", "Edit assistant";
        SearchByName => "Sök på namn", "Search by name";
        Search => "Sök", "Search";
        AssistantsCount => "assistenter", "assistants";
        Personnummer => "Personnummer eller samordningsnummer", "Personnummer or coordination number";
        PersonnummerHint => "12 siffror, till exempel 19700512-0105.", "12 digits, for example 19700512-0105.";
        PersonnummerNow => "Nu registrerat:", "Registered now:";
        PersonnummerKeep => "Lämna fältet tomt för att behålla det.", "Leave the field empty to keep it.";
        FirstName => "Förnamn", "First name";
        LastName => "Efternamn", "Last name";
        BirthDate => "Födelsedatum", "Birth date";
        BirthDateHint => "Behövs bara för ett samordningsnummer utan känt födelsedatum.", "Only needed for a coordination number without a known birth date.";
        Phone => "Telefon", "Phone";
        EeaResident => "Bor inom EES", "Lives in the EEA";
        Regime => "Arbetstidsregler", "Working-time rules";
        RegimeAbJ => "AB bilaga J (kommunens kollektivavtal)", "AB appendix J (the municipal agreement)";
        RegimeAtl => "Arbetstidslagen", "The Working Hours Act";
        RegimeHusligt => "Husligt arbete (brukaren är arbetsgivare)", "Domestic work (the recipient employs)";
        PeriodStart => "Beräkningsperiodens första dag", "First day of the calculation period";
        PeriodStartHint => "Från den dagen räknas perioderna för genomsnittlig arbetstid (28 dagar vid husligt arbete).", "The periods for average working time are counted from that day (28 days for domestic work).";
        PeriodMonths => "Beräkningsperiodens längd i månader", "Length of the calculation period in months";
        Allow24h => "Beslut om 24-timmarspass finns", "A decision on 24-hour shifts exists";
        CollectiveAgreement => "Omfattas av kollektivavtal (vid Arbetstidslagen)", "Covered by a collective agreement (under the Working Hours Act)";
        Employer => "Arbetsgivare", "Employer";
        EmployerProvider => "Kommunen", "The municipality";
        EmployerOther => "En annan arbetsgivare", "Another employer";
        EmployerSelf => "Egen företagare", "Self-employed";
        OtherEmployerName => "Den andra arbetsgivarens namn", "The other employer's name";
        OtherEmployerOrg => "Den andra arbetsgivarens organisationsnummer", "The other employer's organisationsnummer";
        Save => "Spara", "Save";
        Pages => "Sidor", "Pages";
        Page => "Sida", "Page";
        Paging => "Bläddra i listan", "Browse the list";
        PreviousPage => "Föregående sida", "Previous page";
        NextPage => "Nästa sida", "Next page";
        ErrRegPersonnummer => "Personnumret stämmer inte. Skriv 12 siffror (ÅÅÅÅMMDD-NNNN) och kontrollera siffrorna.", "The personnummer is not valid. Write 12 digits (YYYYMMDD-NNNN) and check them.";
        ErrRegPersonnummerTaken => "En annan assistent i kommunen har redan det personnumret. Sök upp den assistenten i stället.", "Another assistant of the municipality already has that number. Look that assistant up instead.";
        ErrRegMissing => "Fyll i fältet.", "Fill in the field.";
        ErrRegBirthDateNeeded => "Samordningsnumret har inget känt födelsedatum. Fyll i födelsedatumet så att åldern kan kontrolleras.", "The coordination number carries no known birth date. Fill in the birth date so the age can be checked.";
        ErrRegDate => "Skriv datumet som ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD.";
        ErrRegMonths => "Välj en längd på 1–4 månader.", "Choose a length of 1–4 months.";
        ErrRegChoice => "Välj ett av alternativen.", "Choose one of the options.";
        ErrRegOrg => "Organisationsnumret stämmer inte. Skriv 10 siffror, till exempel 556000-0001.", "The organisationsnummer is not valid. Write 10 digits, for example 556000-0001.";
        AdminRegister => "Register: assistenter", "Register: assistants";
        AccountTitle => "Inloggning", "Login";
        AccountNone => "Assistenten har ingen inloggning ännu.", "The assistant has no login yet.";
        AccountActive => "Aktiv inloggning:", "Active login:";
        AccountInactive => "Inaktiverad inloggning:", "Deactivated login:";
        CreateAccount => "Skapa inloggning och inbjudan", "Create login and invitation";
        NewInvitation => "Skicka ny länk (nytt lösenord)", "New link (new password)";
        Deactivate => "Inaktivera inloggningen", "Deactivate the login";
        Activate => "Aktivera inloggningen", "Activate the login";
        AccountExists => "Assistenten har redan en inloggning.", "The assistant already has a login.";
        UsernameInvalid => "Skriv ett användarnamn utan mellanslag, högst 64 tecken.", "Write a username without spaces, at most 64 characters.";
        UsernameTaken => "Det användarnamnet kan inte användas. Välj ett annat.", "That username cannot be used. Choose another.";
        AccountCreated => "Inloggningen är skapad. Lämna över länken nedan; den gäller i 7 dagar och kan användas en gång.", "The login is created. Hand over the link below; it is valid for 7 days and can be used once.";
        InvitationCreated => "En ny länk är skapad; den förra gäller inte längre. Lämna över länken nedan.", "A new link is created; the previous one no longer works. Hand over the link below.";
        InvitationLink => "Inbjudningslänk (visas bara nu):", "Invitation link (shown only now):";
        AccountDeactivated => "Inloggningen är inaktiverad. Personen är utloggad.", "The login is deactivated. The person is logged out.";
        AccountActivated => "Inloggningen är aktiverad igen.", "The login is active again.";
        InvitationTitle => "Välj ditt lösenord", "Choose your password";
        InviteInvalid => "Länken gäller inte längre: den är använd, ersatt eller äldre än 7 dagar. Be din arbetsledare om en ny.", "The link no longer works: it has been used, replaced or is older than 7 days. Ask your supervisor for a new one.";
        PasswordNew => "Nytt lösenord", "New password";
        PasswordRepeat => "Skriv lösenordet igen", "Type the password again";
        PasswordHint => "Minst 10 tecken. Gärna några ord med mellanslag.", "At least 10 characters. A few words with spaces work well.";
        PasswordTooShort => "Lösenordet är för kort. Använd minst 10 tecken.", "The password is too short. Use at least 10 characters.";
        PasswordCommon => "Det lösenordet är för vanligt eller för lätt att gissa. Välj ett annat.", "That password is too common or too easy to guess. Choose another.";
        PasswordMismatch => "Lösenorden är inte likadana. Skriv samma lösenord två gånger.", "The passwords differ. Type the same password twice.";
        PasswordSet => "Ditt lösenord är sparat. Logga in med det.", "Your password is saved. Log in with it.";
        SavePassword => "Spara lösenordet", "Save the password";
        AssignmentsTitle => "Uppdrag hos brukare", "Assignments to recipients";
        AssignmentsNone => "Inga uppdrag ännu.", "No assignments yet.";
        AssignmentNew => "Nytt uppdrag", "New assignment";
        AssignmentFrom => "Från och med", "From";
        AssignmentTo => "Till och med (tomt: tills vidare)", "Until (empty: until further notice)";
        AssignmentNotified => "Anmäld till Försäkringskassan (3066/E-IOA) den", "Reported to Försäkringskassan (3066/E-IOA) on";
        AssignmentRelative => "Assistenten är närstående till brukaren", "The assistant is a relative of the recipient";
        AssignmentAdd => "Lägg till uppdraget", "Add the assignment";
        AssignmentEnd => "Avsluta uppdraget", "End the assignment";
        AssignmentEndDate => "Sista dag", "Last day";
        AssignmentUntilFurther => "tills vidare", "until further notice";
        AssignmentNotReported => "inte anmäld till Försäkringskassan", "not reported to Försäkringskassan";
        AssignmentSaved => "Uppdraget är sparat.", "The assignment is saved.";
        AssignmentEnded => "Uppdraget är avslutat. Historiken finns kvar.", "The assignment is ended. Its history is kept.";
        AssignmentEndInvalid => "Uppdraget kan inte avslutas före sin första dag.", "The assignment cannot end before its first day.";
        ErrAssignRecipient => "Välj brukare.", "Choose a recipient.";
        ErrAssignToBeforeFrom => "Sista dagen är före första dagen.", "The last day is before the first.";
        ErrAssignOutsideDecision => "Brukaren har inget beslut om assistans som gäller den första dagen. Registrera beslutet först eller ändra datumet.", "The recipient has no decision on assistance covering the first day. Register the decision first or change the date.";
        ErrAssignOverlaps => "Assistenten har redan ett uppdrag hos brukaren under den tiden.", "The assistant already has an assignment with the recipient in that period.";
        ErrRegSamordningRecipient => "Den som har assistans behöver ett personnummer; Försäkringskassan tar inte emot ett samordningsnummer. Skriv personnumret.", "The person with assistance needs a personnummer; Försäkringskassan does not accept a coordination number. Write the personnummer.";
        RecipientSaved => "Brukaren är sparad.", "The recipient is saved.";
        DecisionSaved => "Beslutet är sparat.", "The decision is saved.";
        RecipientsTitle => "Brukare", "Recipients";
        NewRecipient => "Ny brukare", "New recipient";
        EditRecipient => "Brukarkort", "Recipient";
        RecipientsCount => "brukare", "recipients";
        RecipientPersonnummer => "Personnummer", "Personnummer";
        AdminRecipients => "Register: brukare", "Register: recipients";
        DecisionsTitle => "Beslut om assistans", "Decisions on assistance";
        DecisionsNone => "Inga beslut registrerade.", "No decisions registered.";
        DecisionNew => "Nytt beslut", "New decision";
        Funder => "Beslut enligt", "Decided under";
        FunderSfb => "SFB (assistansersättning från Försäkringskassan)", "SFB (assistance allowance from Försäkringskassan)";
        FunderLss => "LSS (kommunen betalar)", "LSS (the municipality pays)";
        GrantedPer => "Timmar beviljas per", "Hours granted per";
        PerWeek => "vecka", "week";
        PerMonth => "månad", "month";
        PerPeriod => "period", "period";
        MonthsShort => "mån", "mo";
        GrantedHours => "Beviljade timmar", "Granted hours";
        DecisionPeriodMonths => "Periodens längd i månader (vid period, högst 6)", "Length of the period in months (for period, at most 6)";
        ValidFrom => "Gäller från", "Valid from";
        ValidTo => "Gäller till och med", "Valid until";
        VantetidAllowed => "Väntetid beviljad", "Waiting time granted";
        BeredskapAllowed => "Beredskap beviljad", "Standby granted";
        DoubleAssistance => "Dubbelassistans beviljad", "Double assistance granted";
        RaisedRate => "Förhöjt timbelopp i kronor (tomt: schablonbeloppet)", "Raised hourly amount in kronor (empty: the standard amount)";
        AddDecision => "Lägg till beslutet", "Add the decision";
        ErrDecisionFunder => "Välj SFB eller LSS.", "Choose SFB or LSS.";
        ErrDecisionPer => "Välj vecka, månad eller period.", "Choose week, month or period.";
        ErrDecisionHours => "Skriv antalet timmar, till exempel 40 eller 37,5.", "Write the number of hours, for example 40 or 37.5.";
        ErrDecisionMonths => "Välj en periodlängd på 1–6 månader.", "Choose a period length of 1–6 months.";
        ErrDecisionDates => "Skriv båda datumen som ÅÅÅÅ-MM-DD.", "Write both dates as YYYY-MM-DD.";
        ErrDecisionOrder => "Beslutet slutar före det börjar.", "The decision ends before it starts.";
        ErrDecisionRate => "Skriv beloppet i kronor, till exempel 372,50.", "Write the amount in kronor, for example 372.50.";
        ErrDecisionOverlaps => "Ett annat beslut för brukaren gäller redan en del av den tiden. Avsluta det eller ändra datumen.", "Another decision of the recipient already covers part of that time. End it or change the dates.";
        NotSubmittedFor => "har inte skickat in tiden för", "has not submitted the time for";
        NotApprovedFrom => "har inte godkänt tiden från", "has not approved the time from";
        NotActedTitle => "Väntar på", "Waiting for";
        NotActedNone => "Alla har gjort sin del av månaden.", "Everyone has done their part of the month.";
        Remind => "Påminn", "Remind";
        Reminded => "Påminnelsen är registrerad. E-post skickas när e-post är inställd för installationen.", "The reminder is recorded. E-mail is sent once e-mail is set up for the installation.";
        FilterTitle => "Visa", "Show";
        FilterAll => "Alla", "All";
        FilterAction => "Behöver åtgärd", "Needs action";
        FilterErrors => "Har fel", "Has errors";
        FilterReady => "Klara (attesterade)", "Done (attested)";
        SearchPairs => "Sök på assistentens eller brukarens namn", "Search by the assistant's or the recipient's name";
        MonthsCount => "tidsredovisningar", "time reports";
        OnePair => "Visar en assistent och en brukare.", "Showing one assistant and one recipient.";
        ShowAllPairs => "Visa alla", "Show all";
        ListedFirst => "Visar de första", "Showing the first";
        ListedOf => "av", "of";
        ListedNarrow => "Sök på ett namn ovan för att se en assistents eller brukares.", "Search for a name above to see an assistant's or a recipient's.";
        ListedOnDashboard => "Sök fram resten per assistent eller brukare på månadens statussida.", "Find the rest per assistant or recipient on the month's status page.";
        NotActedMore => "Se alla som behöver åtgärd i tabellen", "See all that need action in the table";
        HasErrors => "fel", "errors";
        AttestRowsChanged => "Raderna har ändrats sedan du öppnade sidan. Titta på dem igen innan du intygar.", "The rows have changed since you opened the page. Look at them again before you attest.";
        MonthChanged => "Månaden har ändrats sedan du öppnade sidan. Titta igen på raderna innan du godkänner.", "The month has changed since you opened the page. Look at the rows again before you approve.";
        TextTooLong => "Texten är för lång. Korta den till högst 1 000 tecken.", "The text is too long. Shorten it to at most 1,000 characters.";
        TextBadChars => "Texten innehåller osynliga styrtecken. Skriv den igen utan att klistra in.", "The text contains invisible control characters. Type it again instead of pasting.";
        LoginThrottled => "För många misslyckade inloggningar. Vänta några minuter och försök igen, eller kontakta din arbetsledare.", "Too many failed logins. Wait a few minutes and try again, or contact your supervisor.";
        FormExpired => "Formuläret har gått ut eller kom från en annan webbplats. Ladda om sidan och försök igen.", "The form has expired or came from another site. Reload the page and try again.";
        FinalExportRefused => "Slutlig export kräver att alla månader är godkända och attesterade. De här är inte klara:", "A final export needs every month approved and attested. These are not ready:";
        // Provider settings, representatives, absences (issue 8)
        AdminProvider => "Anordnare, belopp och regler", "Provider, amounts and rules";
        ProviderTitle => "Anordnare, belopp och regler", "Provider, amounts and rules";
        ProviderFacts => "Anordnaren (kommunen)", "The provider (the municipality)";
        ProviderName => "Namn", "Name";
        OrgNumber => "Organisationsnummer", "Organisationsnummer";
        ContactPerson => "Kontaktperson", "Contact person";
        FSkatt => "Godkänd för F-skatt", "Approved for F-tax";
        IvoPermit => "IVO-tillstånd", "IVO permit";
        IvoPermitHint => "Kommuner behöver inget tillstånd; lämna tomt.", "Municipalities need no permit; leave empty.";
        ProviderSaved => "Anordnarens uppgifter är sparade.", "The provider's details are saved.";
        RatesTitle => "Schablonbelopp per år", "Standard hourly amount per year";
        RatesHint => "Försäkringskassans timbelopp för året. Regeringen bestämmer det varje år; skriv in det nya beloppet när det är beslutat.", "Försäkringskassan's hourly amount for the year. The government sets it every year; enter the new amount once it is decided.";
        Year => "År", "Year";
        RateAmount => "Belopp i kronor per timme", "Amount in kronor per hour";
        RateAmountHint => "Till exempel 332,60.", "For example 332.60.";
        SaveRate => "Spara beloppet", "Save the amount";
        RateSaved => "Beloppet är sparat.", "The amount is saved.";
        EmployeeNumber => "Anställningsnummer", "Employment number";
        EmployeeNumberHint => "Numret i lönesystemet. Lönefilerna i månadsexporten använder det (annars BITA:s eget nummer).", "The number in the payroll system. The month export's payroll files use it (otherwise BITA's own number).";
        EditRowTitle => "Ändra raden", "Change the row";
        CancelEdit => "Avbryt ändringen", "Cancel the change";
        Edit => "Ändra", "Change";
        RowChanged => "Raden är ändrad.", "The row is changed.";
        WithdrawMonth => "Ta tillbaka för att rätta", "Take back to correct";
        WithdrawHelp => "Månaden är inskickad men inte godkänd än. Tar du tillbaka den blir den ett utkast igen och ditt intygande gäller inte längre; skicka in den igen när den är rättad.", "The month is submitted but not approved yet. If you take it back it becomes a draft again and your attestation no longer counts; submit it again once it is corrected.";
        MonthWithdrawn => "Månaden är tillbakatagen och är ett utkast igen. Rätta och skicka in den på nytt.", "The month is taken back and is a draft again. Correct it and submit it again.";
        WithdrawTooLate => "Månaden är redan godkänd och kan inte tas tillbaka här. Be den som har assistans att returnera den, eller kommunen om den är attesterad.", "The month is already approved and cannot be taken back here. Ask the person who has assistance to return it, or the municipality if it is attested.";
        // Issue 11: clock in and out, copy shifts, the month's summary
        MonthReadOnly => "Försäkringskassans sista dag för månaden har passerat, så den kan bara läsas. Kontakta kommunen om något behöver rättas.", "Försäkringskassa's deadline for the month has passed, so it is read-only. Contact the municipality if something needs correcting.";
        TodayTitle => "Pass", "Shift";
        StartShift => "Starta pass", "Start shift";
        StartShiftHelp => "Började du tidigare, eller är det inte aktiv tid? Ange det här innan du startar.", "Did you start earlier, or is it not active time? Say so here before you start.";
        StartedAtLabel => "Började kl. (tomt: nu)", "Started at (empty: now)";
        RunningTitle => "Pågående pass", "Shift in progress";
        RunningSince => "sedan", "since";
        RunningElapsed => "Tid hittills", "Time so far";
        ShiftLeftRunning => "Passet har pågått länge. Glömde du att avsluta det? Skriv när du slutade och tryck Avsluta pass.", "The shift has been running a long time. Did you forget to end it? Type when you stopped and press End shift.";
        ShiftRefused => "Passet sparades inte och pågår fortfarande:", "The shift was not saved and is still running:";
        SwitchKindTitle => "Byt slag av tid", "Switch kind of time";
        SwitchTo => "Byt till", "Switch to";
        AtTimeLabel => "Kl. (tomt: nu)", "At (empty: now)";
        EndShift => "Avsluta pass", "End shift";
        EndedAtLabel => "Slutade kl. (tomt: nu)", "Stopped at (empty: now)";
        CancelShift => "Avbryt passet utan att spara", "Cancel the shift without saving";
        ShiftStarted => "Passet är startat.", "The shift is started.";
        ShiftAlreadyRunning => "Du har redan ett pass som pågår. Avsluta det först.", "You already have a shift in progress. End it first.";
        NoShiftRunning => "Inget pass pågår.", "No shift is in progress.";
        ShiftSwitched => "Slaget av tid är bytt. Tiden hittills är sparad.", "The kind of time is switched. The time so far is saved.";
        ShiftTooShort => "Passet var kortare än en minut och sparades inte.", "The shift was shorter than a minute and was not saved.";
        ShiftCancelled => "Passet är avbrutet. Ingen tid sparades.", "The shift is cancelled. No time was saved.";
        CopyTitle => "Samma pass igen", "The same shifts again";
        CopyYesterday => "Kopiera gårdagens pass till i dag", "Copy yesterday's shifts to today";
        CopyLastWeek => "Kopiera förra veckans pass till den här veckan", "Copy last week's shifts to this week";
        NothingYesterday => "Du har inga pass i går att kopiera.", "You have no shifts yesterday to copy.";
        NothingLastWeek => "Du har inga pass förra veckan att kopiera.", "You have no shifts last week to copy.";
        ShiftsCopied => "Kopierade pass:", "Shifts copied:";
        NothingCopied => "Inget pass kunde kopieras.", "No shift could be copied.";
        CopySkipped => "Kopierades inte:", "Not copied:";
        QueueTitle => "Sparat i telefonen", "Saved on this phone";
        QueueWaiting => "Sparad i telefonen — skickas när du har nät.", "Saved on the phone — sent when you have a connection.";
        QueueRefused => "Kunde inte sparas:", "Could not be saved:";
        QueueSendNow => "Skicka nu", "Send now";
        QueueToForm => "Lägg tillbaka i formuläret", "Put back in the form";
        QueueDiscard => "Ta bort från telefonen", "Remove from the phone";
        QueueSent => "Skickat och sparat:", "Sent and saved:";
        QueueLogin => "Raderna kunde inte skickas: logga in igen, så skickas de.", "The rows could not be sent: log in again and they will be sent.";
        QueueNoConnection => "Ingen anslutning just nu. Raderna finns kvar i telefonen.", "No connection right now. The rows stay on the phone.";
        QueueInForm => "Raden ligger i formuläret igen. Rätta den och spara.", "The row is back in the form. Correct it and save.";
        Amount => "Belopp", "Amount";
        StatusReturned => "Returnerad", "Returned";
        ToDo => "Kvar att göra:", "Left to do:";
        ToDoSubmit => "skicka in månaden.", "submit the month.";
        ToDoFix => "rätta det som brukaren påpekat och skicka in igen.", "correct what the recipient pointed out and submit again.";
        ToDoRecipient => "inget för dig; brukaren ska godkänna.", "nothing for you; the recipient is to approve.";
        ToDoProvider => "inget för dig; kommunen ska attestera.", "nothing for you; the municipality is to attest.";
        ToDoDone => "inget. Månaden är klar.", "nothing. The month is done.";
        DaysLeft => "dagar kvar", "days left";
        ReadOnlyMonth => "Sista dagen har passerat. Månaden kan bara läsas.", "The deadline has passed. The month is read-only.";
        LssRateTitle => "Kommunens timbelopp för LSS", "The municipality's hourly amount for LSS";
        LssRateHint => "Assistans enligt LSS betalar kommunen själv. LSS-rapporten i månadsexporten räknar betalbara timmar gånger det här beloppet. Lämna tomt om ni inte vill ha något belopp i rapporten.", "The municipality pays for assistance under LSS itself. The LSS report of the month export multiplies payable hours by this amount. Leave it empty for no amount in the report.";
        LssRateAmount => "Belopp per timme (kr)", "Amount per hour (kr)";
        SaveLssRate => "Spara LSS-beloppet", "Save the LSS amount";
        RulesTitle => "Regelinställningar", "Rule settings";
        RulesHint => "Gäller alla kontroller i kommunen från nu. Timmar skrivs som 11 eller 11,5.", "Apply to every check in the municipality from now on. Hours are written as 11 or 11.5.";
        RuleDailyRest => "Dygnsvila, timmar (minst 8)", "Daily rest, hours (at least 8)";
        RuleWeeklyRest => "Veckovila, timmar (minst 24)", "Weekly rest, hours (at least 24)";
        RuleMaxShift => "Längsta arbetspass inklusive jour, timmar", "Longest shift including on-call, hours";
        RuleMaxShiftByDecision => "Längsta arbetspass med beslut om dygnspass, timmar", "Longest shift with a decision on 24-hour shifts, hours";
        RuleMaxActivePass => "Längsta pass med bara aktiv tid, timmar", "Longest shift of active time only, hours";
        RuleGrantWarn => "Varna när så här stor del av beviljade timmar är använd, procent", "Warn when this share of the granted hours is used, percent";
        RuleHospitalDays => "Längsta sjukhusvistelse med assistans, dagar", "Longest hospital stay with assistance, days";
        RuleBeredskapIsWork => "Beredskap räknas som arbetstid vid vilokontroll", "Standby counts as working time in the rest check";
        RuleShiftCountsBeredskap => "Beredskap räknas in i arbetspassets längd", "Standby counts toward a shift's length";
        RuleWorkingTimeErrors => "Brott mot arbetstidsreglerna stoppar inskickning (annars en varning)", "Breaking the working-time rules stops submission (otherwise a warning)";
        SaveRules => "Spara regelinställningarna", "Save the rule settings";
        RulesSaved => "Regelinställningarna är sparade och gäller från nu.", "The rule settings are saved and apply from now on.";
        ApiTokensTitle => "API för verksamhetssystem", "API for back-office systems";
        ApiTokensIntro => "Ett verksamhetssystem (ärendehantering, lön) når kommunens uppgifter i BITA med en nyckel. Ge nyckeln bara de behörigheter systemet behöver och ett sista giltighetsdatum. Nyckeln visas en gång; BITA sparar bara ett kontrollvärde av den, och varje anrop loggas.", "A back-office system (case management, payroll) reaches the municipality's data in BITA with a token. Give the token only the scopes the system needs and a last valid day. The token is shown once; BITA keeps only a checksum of it, and every call is logged.";
        ApiDocsLink => "Dokumentation av API:t", "The API's documentation";
        TokenShownOnce => "Den nya nyckeln – visas bara nu", "The new token – shown only now";
        TokenCopy => "Kopiera nyckeln till verksamhetssystemet. Den går inte att visa igen; tappar ni bort den, återkalla den och skapa en ny.", "Copy the token into the back-office system. It cannot be shown again; if you lose it, revoke it and make a new one.";
        ApiTokensList => "Nycklar", "Tokens";
        ApiTokensNone => "Inga nycklar än.", "No tokens yet.";
        TokenIsRevoked => "Återkallad", "Revoked";
        TokenIsExpired => "Utgången", "Expired";
        TokenScopes => "Behörigheter", "Scopes";
        TokenMade => "Skapad", "Made";
        TokenLastDay => "Sista giltighetsdag", "Last valid day";
        TokenRevoke => "Återkalla", "Revoke";
        TokenNew => "Ny nyckel", "New token";
        TokenName => "Namn (vilket system den är till)", "Name (which system it is for)";
        TokenCreate => "Skapa nyckeln", "Make the token";
        TokenNameInvalid => "Skriv ett namn på högst 100 tecken, på en rad.", "Write a name of at most 100 characters, on one line.";
        TokenScopesMissing => "Välj minst en behörighet.", "Choose at least one scope.";
        TokenExpiresInvalid => "Skriv sista giltighetsdag som ÅÅÅÅ-MM-DD, från i dag och högst två år fram.", "Write the last valid day as YYYY-MM-DD, from today and at most two years ahead.";
        TokenTooMany => "Kommunen har redan 50 giltiga nycklar. Återkalla en som inte används innan ni skapar en ny.", "The municipality already has 50 valid tokens. Revoke one that is not in use before making a new one.";
        TokenCreated => "Nyckeln är skapad.", "The token is made.";
        TokenRevoked => "Nyckeln är återkallad. Anrop med den nekas från och med nu.", "The token is revoked. Calls with it are refused from now on.";
        ScopeRegisterRead => "Läsa registret (med personnummer)", "Read the register (with personnummer)";
        ScopeRegisterWrite => "Ändra registret", "Change the register";
        ScopeMonthsRead => "Läsa månader och tidrapporter", "Read months and time reports";
        ScopePayrollRead => "Läsa löneunderlag", "Read payroll data";
        ScopeArchivesRead => "Läsa arkiv", "Read archives";
        ApiNoToken => "Ingen giltig nyckel", "No valid token";
        ApiNoTokenDetail => "Skicka en nyckel som kommunens administratör har skapat i BITA: Authorization: Bearer bita_…", "Send a token the municipality's administrator made in BITA: Authorization: Bearer bita_…";
        ApiTokenExpired => "Nyckeln har gått ut", "The token has expired";
        ApiTokenRevoked => "Nyckeln är återkallad", "The token is revoked";
        ApiTokenEndedDetail => "Be kommunens administratör om en ny nyckel.", "Ask the municipality's administrator for a new token.";
        ApiScopeMissing => "Nyckeln saknar behörighet", "The token lacks the scope";
        ApiScopeMissingDetail => "Anropet kräver behörigheten", "The call needs the scope";
        ApiNotFound => "Finns inte", "Not found";
        ApiNotFoundDetail => "API:t har ingen sådan adress. Adresserna står i /api/v1/openapi.json.", "The API has no such address. The addresses are in /api/v1/openapi.json.";
        ApiTooMany => "För många anrop", "Too many calls";
        ApiTooManyDetail => "Vänta och försök igen om", "Wait and try again in";
        ApiTooLarge => "För stort anrop", "Too large";
        ApiTooLargeDetail => "Ett anrop får vara högst", "A call may be at most";
        ApiBadQuery => "Felaktig fråga", "Bad query";
        ApiBadAfter => "after (eller since) ska vara next från anropet före.", "after (or since) must be the next of the call before.";
        ApiBadLimit => "limit ska vara ett heltal från 1 till 500.", "limit must be a whole number from 1 to 500.";
        ApiPersonnummerDiffers => "Den som ert id pekar på har ett annat personnummer i BITA. Ett personnummer ändras inte genom API:t; kontakta kommunens administratör.", "The person your id names has another personnummer in BITA. A personnummer is not changed through the API; contact the municipality's administrator.";
        ApiPersonnummerLinked => "Någon med det personnumret finns redan i registret, med ett annat id från er. Använd det id:t.", "Someone with that personnummer is in the register already, with another id of yours. Use that id.";
        ApiUnknownRecipient => "Ingen brukare har det id:t från er. Skicka brukaren först (PUT /api/v1/recipients/{id}).", "No recipient has that id of yours. Send the recipient first (PUT /api/v1/recipients/{id}).";
        ApiUnknownAssistant => "Ingen assistent har det id:t från er. Skicka assistenten först (PUT /api/v1/assistants/{id}).", "No assistant has that id of yours. Send the assistant first (PUT /api/v1/assistants/{id}).";
        ApiDecisionFixed => "Ett registrerat beslut ändras inte, men det kan avslutas tidigare (ett tidigare valid_to). Ett nytt beslut skickas med ett nytt id.", "A registered decision is not changed, but it can be ended earlier (an earlier valid_to). A new decision is sent with a new id.";
        ApiDecisionMoved => "Beslutet som ert id pekar på gäller en annan brukare.", "The decision your id names is another recipient's.";
        ApiAssignmentFixed => "Ett registrerat uppdrag ändras inte, men det kan avslutas (ett tidigare valid_to). Ett nytt uppdrag skickas med ett nytt id.", "A registered assignment is not changed, but it can be ended (an earlier valid_to). A new assignment is sent with a new id.";
        ApiAssignmentMoved => "Uppdraget som ert id pekar på gäller en annan assistent eller brukare.", "The assignment your id names is for another assistant or recipient.";
        ApiConflict => "Går inte att göra", "Cannot be done";
        ApiInvalid => "Uppgifterna stämmer inte", "The data is not valid";
        ApiInvalidDetail => "Rätta det som står i errors och skicka igen.", "Correct what errors says and send again.";
        ApiBadId => "Ert id ska vara 1–100 tecken: bokstäver a–z, siffror, punkt, understreck, kolon eller bindestreck.", "Your id must be 1–100 characters: letters a–z, digits, dot, underscore, colon or hyphen.";
        ApiBadMonth => "Månaden skrivs ÅÅÅÅ-MM, till exempel 2026-11.", "Write the month as YYYY-MM, for example 2026-11.";
        ApiBadKey => "Idempotency-Key ska vara 16–64 bokstäver, siffror eller bindestreck.", "Idempotency-Key must be 16–64 letters, digits or hyphens.";
        ApiBadBody => "Kroppen ska vara JSON som /api/v1/openapi.json beskriver den.", "The body must be JSON as /api/v1/openapi.json describes it.";
        ApiInternal => "Internt fel", "Internal error";
        ApiInternalDetail => "Något gick fel i BITA. Försök igen; händer det igen, kontakta förvaltningen.", "Something went wrong in BITA. Try again; if it happens again, contact the operator.";
        BenchmarkTitle => "Jämför kommuner", "Compare municipalities";
        BenchmarkIntro => "Kommuner som deltar ser sina egna siffror bredvid medianen och kvartilerna för alla som deltar, månad för månad. Ingen ser en annan kommuns egna siffror, och inga personuppgifter ingår.", "Municipalities taking part see their own figures beside the median and quartiles of all taking part, month by month. Nobody sees another municipality's own figures, and no personal data is included.";
        BenchmarkNotTakingPart => "Er kommun deltar inte. Om ni deltar räknas era siffror in i det som de andra deltagarna ser (bara median och kvartiler, aldrig er egen siffra), och ni ser era egna siffror bredvid dem. Ni kan sluta när ni vill; då tas era siffror bort.", "Your municipality does not take part. If you take part, your figures count towards what the others taking part see (only the median and quartiles, never your own figure), and you see your own figures beside them. You can stop at any time; your figures are then removed.";
        BenchmarkJoin => "Delta i jämförelsen", "Take part in the comparison";
        BenchmarkLeave => "Sluta delta", "Stop taking part";
        BenchmarkJoined => "Er kommun deltar nu. Era siffror räknas fram inom en timme.", "Your municipality now takes part. Your figures are computed within the hour.";
        BenchmarkLeft => "Er kommun deltar inte längre, och era siffror är borttagna.", "Your municipality no longer takes part, and its figures are removed.";
        BenchmarkComputedAt => "Era siffror räknades senast fram", "Your figures were last computed";
        BenchmarkNotYet => "Era siffror har inte räknats fram än. Det sker inom en timme.", "Your figures have not been computed yet. That happens within the hour.";
        BenchmarkTakingPart => "Er kommun deltar", "Your municipality takes part";
        BenchmarkParticipants => "Kommuner som deltar", "Municipalities taking part";
        BenchmarkCsv => "Ladda ner siffrorna (CSV)", "Download the figures (CSV)";
        BenchmarkOwn => "Er kommun", "Your municipality";
        BenchmarkMedian => "Median", "Median";
        BenchmarkQuartiles => "Mittersta hälften (nedre–övre kvartil)", "Middle half (lower–upper quartile)";
        BenchmarkLowerQuartile => "Nedre kvartil", "Lower quartile";
        BenchmarkUpperQuartile => "Övre kvartil", "Upper quartile";
        BenchmarkContributors => "Kommuner med en siffra", "Municipalities with a figure";
        BenchmarkWithheld => "Visas inte: färre än fem kommuner har en siffra för månaden.", "Not shown: fewer than five municipalities have a figure for the month.";
        BenchmarkNoFigure => "Ingen siffra", "No figure";
        BenchmarkChartDesc => "Diagram månad för månad: er siffra som heldragen linje med punkter, medianen som streckad linje och mittersta hälften av kommunerna som skuggat fält. Månader med färre än fem kommuner visar bara er siffra. Samma siffror står i tabellen.", "A chart month by month: your figure as a solid line with dots, the median as a dashed line and the middle half of the municipalities as a shaded band. Months with fewer than five municipalities show only your figure. The table has the same figures.";
        BenchmarkHigherBetter => "Högre är bättre.", "Higher is better.";
        BenchmarkLowerBetter => "Lägre är bättre.", "Lower is better.";
        BenchmarkGroupMonth => "Månadens gång", "The month's course";
        BenchmarkGroupFindings => "Fynd per regel", "Findings by rule";
        BenchmarkGroupRows => "Varifrån raderna kommer", "Where the rows come from";
        BmSubmitted1st => "Tidrapporter inskickade senast den 1:a nästa månad", "Time reports submitted by the 1st of the next month";
        BmSubmitted5th => "Tidrapporter inskickade senast den 5:e nästa månad", "Time reports submitted by the 5th of the next month";
        BmDaysToAttestation => "Dagar från månadens slut till attest (median)", "Days from the month's end to attestation (median)";
        BmExportedInTime => "Tidrapporter exporterade före Försäkringskassans sista dag", "Time reports exported before Försäkringskassan's deadline";
        BmPayableOfGranted => "Ersättningsberättigade timmar av beviljade", "Payable hours of the hours granted";
        BmCorrections => "Rättelser per 100 tidrapporter", "Corrections per 100 time reports";
        BmFindings => "Fynd per 1 000 rader", "Findings per 1,000 rows";
        BmRowsClock => "Rader från stämpelklockan", "Rows from the clock";
        BmRowsPlan => "Rader från schemat", "Rows from the schedule";
        BmRowsTyped => "Rader inskrivna för hand", "Rows typed in";
        BmUnitPercent => "procent", "per cent";
        BmUnitDays => "dagar", "days";
        BmUnitPerHundred => "per 100", "per 100";
        BmUnitPerThousand => "per 1 000", "per 1,000";
        BmRuleV1 => "V1 Personnummer", "V1 Personnummer";
        BmRuleV2 => "V2 Assistentens behörighet", "V2 The assistant's eligibility";
        BmRuleV3 => "V3 Rader och överlapp", "V3 Rows and overlaps";
        BmRuleV4 => "V4 Typ av tid", "V4 Kind of time";
        BmRuleV5 => "V5 Arbetstid och vila", "V5 Working time and rest";
        BmRuleV6 => "V6 Timmar mot beslut", "V6 Hours against the decision";
        BmRuleV7 => "V7 Dubbel assistans", "V7 Double assistance";
        BmRuleV8 => "V8 Sjukhus, skola, daglig verksamhet", "V8 Hospital, school, daily activity";
        BmRuleV9 => "V9 Status före export", "V9 Status before export";
        BmRuleV10 => "V10 Sista dag", "V10 Deadline";
        ShowPersonnummer => "Visa hela personnumret", "Show the full personnummer";
        ShowPersonnummerNote => "Att visa numret skrivs i loggen.", "Showing the number is written to the log.";
        Email => "E-postadress (frivillig)", "E-mail address (optional)";
        EmailHint => "Inbjudan skickas hit när e-post är inställd. Länken visas alltid här också.", "The invitation is sent here when e-mail is set up. The link is always shown here too.";
        ErrEmail => "E-postadressen ser inte rätt ut. Skriv den som namn@exempel.se eller lämna tomt.", "The e-mail address does not look right. Write it as name@example.se or leave it empty.";
        InvitationMailed => "Länken är också skickad med e-post.", "The link has also been sent by e-mail.";
        InvitationPending => "Inbjuden, har inte valt lösenord än", "Invited, has not chosen a password yet";
        MailInviteSubject => "Din inloggning till BITA", "Your login to BITA";
        MailInviteBody => "Hej! Du har fått en inloggning till BITA, kommunens tidrapportering för personlig assistans. Öppna länken och välj ditt lösenord:", "Hello! You have been given a login to BITA, the municipality's time reporting for personal assistance. Open the link and choose your password:";
        MailInviteExpiry => "Länken gäller i 7 dagar och kan användas en gång. Fick du mejlet av misstag kan du bortse från det.", "The link is valid for 7 days and can be used once. If you got this e-mail by mistake, you can ignore it.";
        MailRemindSubject => "Påminnelse från BITA", "Reminder from BITA";
        MailRemindBody => "Hej! Det finns tid i BITA som väntar på dig för månaden", "Hello! There is time in BITA waiting for you for the month";
        MailRemindDeadline => "Logga in och gör din del så snart du kan. Försäkringskassan behöver underlaget senast", "Log in and do your part as soon as you can. Försäkringskassan needs the documents by";
        RepresentativesTitle => "Företrädare", "Representatives";
        RepresentativesNone => "Ingen företrädare är registrerad.", "No representative is registered.";
        RepresentativeNew => "Lägg till företrädare", "Add a representative";
        RepresentativeNewHint => "Vårdnadshavare, god man eller förvaltare som godkänner tiden för brukaren. Finns personen redan som företrädare för någon annan kopplas samma inloggning hit.", "Guardian, god man or förvaltare who approves the time for the recipient. If the person already represents someone else, the same login is linked here.";
        RepresentativeName => "Namn", "Name";
        Capacity => "I egenskap av", "In the capacity of";
        CapacityVardnadshavare => "Vårdnadshavare", "Guardian";
        CapacityGodMan => "God man", "God man (trustee)";
        CapacityForvaltare => "Förvaltare", "Förvaltare (administrator)";
        AddRepresentative => "Lägg till och skapa inbjudan", "Add and create an invitation";
        RepresentativeAdded => "Företrädaren är tillagd med en inloggning. Lämna över länken nedan; den gäller i 7 dagar.", "The representative is added with a login. Hand over the link below; it is valid for 7 days.";
        RepresentativeLinked => "Personen finns redan som företrädare och är nu kopplad även till den här brukaren med samma inloggning.", "The person is already a representative and is now linked to this recipient too, with the same login.";
        RepresentativeEnded => "Företrädarskapet är avslutat. Det finns kvar i historiken.", "The representation has ended. It stays in the history.";
        EndRepresentation => "Avsluta företrädarskapet", "End the representation";
        RepresentationEnded => "Avslutat", "Ended";
        AbsencesTitle => "Frånvaro", "Absences";
        AbsencesNone => "Ingen frånvaro är registrerad.", "No absence is registered.";
        AbsenceNew => "Lägg till frånvaro", "Add an absence";
        AbsenceKind => "Slag", "Kind";
        AbsenceHospital => "Sjukhus", "Hospital";
        AbsenceSchool => "Skola", "School";
        AbsenceDailyActivity => "Daglig verksamhet", "Daily activity";
        AbsenceChildcare => "Barnomsorg", "Childcare";
        AssistanceDuringAbsence => "Assistans ges under frånvaron", "Assistance is given during the absence";
        FromDate => "Från och med", "From";
        ToDate => "Till och med", "Until";
        AddAbsence => "Lägg till frånvaron", "Add the absence";
        AbsenceSaved => "Frånvaron är sparad.", "The absence is saved.";
        AbsenceDeleted => "Frånvaron är borttagen. Loggen visar vad den var.", "The absence is removed. The log shows what it was.";
        EndDecision => "Avsluta beslutet", "End the decision";
        EndDecisionOn => "Sista dag", "Last day";
        DecisionEnded => "Beslutet är avslutat. Det finns kvar i historiken.", "The decision has ended. It stays in the history.";
        DecisionEndInvalid => "Sista dagen måste ligga inom beslutets giltighetstid.", "The last day must be within the decision's validity.";
        ErrNumber => "Skriv ett tal inom de tillåtna gränserna.", "Write a number within the allowed limits.";
        ErrOrder => "Slutdatumet ligger före startdatumet.", "The end date is before the start date.";
        ErrYear => "Skriv året med fyra siffror, till exempel 2025.", "Write the year with four digits, for example 2025.";
        ErrAmount => "Skriv beloppet i kronor, till exempel 332,60.", "Write the amount in kronor, for example 332.60.";
        ErrRaisedStandardUnknown => "Årets schablonbelopp saknas för ett år som beslutet gäller, så det förhöjda beloppet kan inte kontrolleras. Lägg in schablonbeloppet under Anordnare och spara beslutet igen.", "The standard amount is missing for a year the decision covers, so the raised amount cannot be checked. Enter the standard amount under Provider and save the decision again.";
        AmountNoStandard => "Beloppet kan inte räknas ut: årets schablonbelopp är inte inlagt ännu. Kommunen lägger in det när regeringen har beslutat det.", "The amount cannot be worked out: the year's standard amount is not entered yet. The municipality enters it once the government has decided it.";
        StandardMissingAdmin => "Schablonbeloppet saknas för året", "The standard amount is missing for the year";
        StandardMissingFix => "Lägg in det under Anordnare", "Enter it under Provider";
        ErrRaisedTooHigh => "Ett förhöjt timbelopp får vara högst 12 % över årets schablonbelopp.", "A raised hourly amount may be at most 12 % above the year's standard amount.";
        ErrTaken => "Det finns redan. Välj något annat.", "That already exists. Choose something else.";
        FormNotSaved => "Uppgifterna sparades inte. Rätta det som är markerat och spara igen.", "Nothing was saved. Correct what is marked and save again.";
        ErrAbsenceOverlaps => "En annan frånvaro av samma slag gäller redan några av de dagarna.", "Another absence of the same kind already covers some of those days.";
        ErrText => "Texten är för lång eller innehåller styrtecken.", "The text is too long or contains control characters.";
        GrantsTitle => "Utbetalbara timmar mot beslutet", "Payable hours against the decision";
        GrantsHint => "Per brukare: utbetalbara timmar i månaden (väntetid räknas som en fjärdedel, beredskap som en sjundedel) mot det beslutet beviljar för månaden. Vecko- och periodbeslut räknas om till månadens andel.", "Per recipient: payable hours in the month (waiting time counts a quarter, standby a seventh) against what the decision grants for the month. Weekly and period grants are prorated to the month.";
        OfGranted => "av beviljade", "of granted";
        NoDecisionShort => "inget beslut", "no decision";
        OverGrant => "Över beslutet", "Over the decision";
        ImportTitle => "Importera från fil", "Import from a file";
        ImportUpload => "Ladda upp en CSV-fil", "Upload a CSV file";
        ImportHint => "CSV från ett kalkylark: UTF-8 eller Excels svenska format (semikolon). Högst 5 MB. Först görs en provkörning som inte sparar något; sedan importeras allt eller inget. Kolumnerna beskrivs i handboken (README).", "CSV from a spreadsheet: UTF-8 or Excel's Swedish format (semicolon). At most 5 MB. First a trial run that saves nothing; then everything is imported, or nothing. The columns are described in the handbook (README).";
        ImportKindLegend => "Vad innehåller filen?", "What does the file hold?";
        ImportRecipients => "Brukare", "Recipients";
        ImportAssistants => "Assistenter", "Assistants";
        ImportAssignments => "Uppdrag (assistent och brukare)", "Assignments (assistant and recipient)";
        ImportFile => "Fil", "File";
        ImportDryRun => "Provkör (sparar inget)", "Trial run (saves nothing)";
        ImportReportTitle => "Provkörningens resultat", "Result of the trial run";
        ImportCreated => "nya", "new";
        ImportUpdated => "ändras", "changed";
        ImportUnchanged => "oförändrade", "unchanged";
        ImportRefusedCount => "med fel", "with errors";
        ImportWillCreate => "läggs till", "will be added";
        ImportWillUpdate => "ändras:", "changes:";
        ImportNoChange => "redan registrerad, inget ändras", "already registered, nothing changes";
        ImportLine => "Rad", "Line";
        ImportColumn => "kolumn", "column";
        ImportRun => "Importera allt", "Import everything";
        ImportFixAndRetry => "Rätta raderna med fel i filen och ladda upp den igen. Inget har sparats.", "Fix the lines with errors in the file and upload it again. Nothing has been saved.";
        ImportChooseKind => "Välj vad filen innehåller.", "Choose what the file holds.";
        ImportNoFile => "Välj en fil att ladda upp.", "Choose a file to upload.";
        ImportRefused => "Något har ändrats sedan provkörningen; inget importerades. Se raderna med fel nedan.", "Something changed since the trial run; nothing was imported. See the lines with errors below.";
        ImportDone => "Importen är klar. Antal nya eller ändrade:", "The import is done. New or changed:";
        ImportPersonUnknown => "Personen finns inte i registret. Importera assistenter och brukare först.", "The person is not in the register. Import assistants and recipients first.";
        ImportDuplicate => "Samma personnummer finns på en tidigare rad i filen.", "The same personnummer is on an earlier line of the file.";
        ImportYesNo => "Skriv ja eller nej.", "Write yes (ja) or no (nej).";
        ImportFieldCount => "Raden har fel antal fält.", "The line has the wrong number of fields.";
        ImportNotCsv => "Filen kunde inte läsas som CSV.", "The file could not be read as CSV.";
        ImportHeader => "Första raden ska ha kolumnnamnen. Saknas eller okänd:", "The first line must hold the column names. Missing or unknown:";
        ImportMoreLines => "Rader som inte visas här (de räknas ovan):", "Lines not shown here (counted above):";
        ImportStopped => "Importen stannade: registret ändrades medan den pågick, och raden nedan kunde inte sparas. Antal rader som hann importeras:", "The import stopped: the register changed while it ran, and the line below could not be saved. Lines imported before it:";
        ImportAlreadyTaken => "Importen av den filen pågår redan eller är klar. Se registren.", "The import of that file is already under way or done. See the registers.";
        ImportTooLarge => "Filen är större än 5 MB. Dela upp den.", "The file is larger than 5 MB. Split it.";
        SummaryMonthsNotReady => "tidsredovisningar är inte godkända och attesterade än (se tabellen), och", "time reports are not yet approved and attested (see the table), and";
        SummaryRakningar => "räkningar (3057) är inte signerade.", "claims (3057) are not signed.";
        // CSV header
        CsvHeader => "kommun;brukare;assistent;datum;fran;till;slutar_nasta_dag;typ;minuter;status;godkand", "municipality;recipient;assistant;date;from;to;ends_next_day;kind;minutes;status;approved";
        // The recipient signs (issue 9)
        CapacitySelf => "Själv (den som har assistans)", "Self (the person who has assistance)";
        ConfirmWrong => "Lösenordet stämmer inte. Inget är underskrivet. Försök igen.", "The password is wrong. Nothing is signed. Try again.";
        ConfirmMissing => "Skriv ditt lösenord för att skriva under.", "Type your password to sign.";
        AlreadyApproved => "Månaden är redan godkänd.", "The month is already approved.";
        NotSubmitted => "Månaden är inte inskickad just nu, så den kan inte godkännas eller returneras.", "The month is not submitted right now, so it cannot be approved or returned.";
        ReturnTooLate => "Kommunen har redan attesterat månaden. Kontakta kommunen om något behöver rättas.", "The municipality has already attested the month. Contact the municipality if something needs correcting.";
        MonthReturned => "Månaden är skickad tillbaka till assistenten. Godkännandet gäller inte längre.", "The month is sent back to the assistant. The approval no longer counts.";
        VoidContentChanged => "Innehållet ändrades efter godkännandet.", "The content changed after the approval.";
        EventSubmit => "Skickade in", "Submitted";
        EventWithdraw => "Tog tillbaka månaden för att rätta", "Took the month back to correct it";
        EventCorrect => "Rättelse påbörjad av kommunen", "Correction started by the municipality";
        EventExport => "Exporterade månaden", "Exported the month";
        EventApprove => "Godkände och skrev under", "Approved and signed";
        EventReject => "Returnerade", "Returned";
        EventReturn => "Returnerade godkänd månad", "Returned an approved month";
        EventVoid => "Godkännandet upphävdes", "The approval was voided";
        EventAttest => "Kommunen attesterade", "The municipality attested";
        EventOther => "Ändring", "Change";
        ClaimAlreadySigned => "Räkningen är redan underskriven.", "The claim is already signed.";
        CostInvalid => "Skriv beloppen i kronor, till exempel 12 500,00. Lämna tomt för 0.", "Write the amounts in kronor, for example 12500.00. Leave empty for 0.";
        ClaimSaved => "Svaren är sparade.", "The answers are saved.";
        ClaimNotReady => "Räkningen kan skrivas under först när all tid för månaden är attesterad av kommunen.", "The claim can be signed only when all the month's time is attested by the municipality.";
        ClaimChanged => "Räkningen har ändrats sedan du öppnade sidan. Titta igen innan du skriver under.", "The claim has changed since you opened the page. Look again before you sign.";
        ClaimSigned => "Räkningen är underskriven. Kommunen skickar den till Försäkringskassan.", "The claim is signed. The municipality sends it to Försäkringskassan.";
        StartTitle => "Tid att granska", "Time to review";
        ShowingFor => "Visar tid för", "Showing time for";
        PeopleYouActFor => "Personer du företräder", "People you act for";
        NoOneToActFor => "Du företräder ingen just nu. Kontakta kommunen om det är fel.", "You do not act for anyone right now. Contact the municipality if this is wrong.";
        WaitingForYou => "Väntar på dig", "Waiting for you";
        Review => "Granska", "Review";
        RowsCount => "rader", "rows";
        ClaimReadyShort => "Räkningen är klar att skriva under", "The claim is ready to sign";
        ClaimSignedShort => "Räkningen är underskriven", "The claim is signed";
        ClaimNotReadyShort => "Räkningen kan skrivas under när kommunen har attesterat all tid", "The claim can be signed when the municipality has attested all the time";
        OpenClaim => "Öppna räkningen", "Open the claim";
        BackToMonths => "Tillbaka till månaderna", "Back to the months";
        ChangesTitle => "Ändrat sedan du returnerade månaden", "Changed since you returned the month";
        ChangesNone => "Inga rader har ändrats.", "No rows have changed.";
        ChangeAdded => "Ny rad", "New row";
        ChangeRemoved => "Borttagen rad", "Removed row";
        ChangeChanged => "Ändrad rad", "Changed row";
        ChangeWas => "var", "was";
        ApproveTitle => "Godkänn tiden", "Approve the time";
        ApproveExplain => "När du godkänner intygar du att tiden stämmer. Det är din underskrift. Skriv ditt lösenord för att skriva under.", "When you approve, you confirm that the time is right. It is your signature. Type your password to sign.";
        ConfirmPassword => "Ditt lösenord", "Your password";
        ApproveSign => "Godkänn och skriv under", "Approve and sign";
        SigningAs => "Du skriver under som", "You sign as";
        RejectTitle => "Returnera till assistenten", "Return to the assistant";
        RejectExplain => "Skriv vad som är fel. Du kan också markera raderna det gäller.", "Write what is wrong. You can also mark the rows it concerns.";
        MarkRows => "Rader som är fel (frivilligt)", "Rows that are wrong (optional)";
        RejectButton => "Returnera till assistenten", "Return to the assistant";
        ReturnTitle => "Returnera den godkända månaden", "Return the approved month";
        ReturnHelp => "Du kan skicka tillbaka månaden till assistenten tills kommunen har attesterat den. Ditt godkännande upphävs då.", "You can send the month back to the assistant until the municipality has attested it. Your approval is then voided.";
        ReturnReason => "Varför skickas månaden tillbaka?", "Why is the month sent back?";
        ReturnButton => "Skicka tillbaka månaden", "Send the month back";
        SignaturesTitle => "Underskrifter", "Signatures";
        SignaturesNone => "Ingen har skrivit under ännu.", "No one has signed yet.";
        SignedAt => "skrev under", "signed";
        Checksum => "Kontrollsumma (SHA-256)", "Checksum (SHA-256)";
        VoidedSince => "Gäller inte längre sedan", "No longer valid since";
        HistoryTitle => "Historik", "History";
        MarkedByRecipient => "Markerad av brukaren", "Marked by the recipient";
        FindingsNone => "Kontrollerna hittade inget att anmärka på.", "The checks found nothing to remark on.";
        ClaimTitle => "Räkning till Försäkringskassan", "Claim to Försäkringskassan";
        ClaimExplain => "Räkningen (blankett FK 3057) begär ersättning för månadens assistans. Timmarna kommer från assistenternas attesterade tidsredovisningar (FK 3059) och går inte att skriva in för hand.", "The claim (form FK 3057) asks for payment for the month's assistance. The hours come from the assistants' attested time reports (FK 3059) and cannot be typed by hand.";
        ClaimWaiting => "Räkningen kan skrivas under när kommunen har attesterat all tid. Väntar på tid från:", "The claim can be signed when the municipality has attested all the time. Waiting for time from:";
        ClaimNothing => "Ingen tid är rapporterad för månaden.", "No time is reported for the month.";
        ClaimPeriod => "År och månad", "Year and month";
        AssistantCount => "Antal assistenter", "Number of assistants";
        RaisedRateShort => "Förhöjt timbelopp", "Raised hourly amount";
        YesWord => "Ja", "Yes";
        NoWord => "Nej", "No";
        ClaimProviderTitle => "Anordnare", "Provider";
        HospitalTitle => "Sjukhusvistelser", "Hospital stays";
        HospitalNone => "Inga sjukhusvistelser är registrerade för månaden.", "No hospital stays are registered for the month.";
        HospitalTooMany => "Fler än tre sjukhusvistelser är registrerade. Blanketten har plats för tre; kontakta kommunen.", "More than three hospital stays are registered. The form has room for three; contact the municipality.";
        HospitalAssistance => "Assistans gavs", "Assistance was given";
        HospitalWholeDays => "Hela dagar, från 00:00 första dagen till 24:00 sista dagen.", "Whole days, from 00:00 on the first day to 24:00 on the last.";
        ActivitiesTitle => "Barnomsorg, skola och daglig verksamhet", "Childcare, school and daily activity";
        QBetalaTillbaka => "Har Försäkringskassan betalat ut mer assistansersättning för månaden än den utförda assistansen, så att ni ska betala tillbaka?", "Has Försäkringskassan paid out more assistance allowance for the month than the assistance given, so that you are to pay back?";
        QBarnomsorg => "Gavs assistans under tid i barnomsorg (förskola, fritids)?", "Was assistance given during childcare (preschool, after-school)?";
        QSkola => "Gavs assistans under skoltid?", "Was assistance given during school time?";
        QDagligVerksamhet => "Gavs assistans under tid i daglig verksamhet?", "Was assistance given during daily activity?";
        SaveAnswers => "Spara svaren", "Save the answers";
        SignerTitle => "Den som skriver under", "The signer";
        CostTitle => "Kostnader (förhöjt timbelopp)", "Costs (raised hourly amount)";
        CostHint => "Fylls i av kommunen när brukaren har förhöjt timbelopp. Belopp i kronor för månaden.", "Filled in by the municipality when the recipient has a raised hourly amount. Amounts in kronor for the month.";
        CostWages => "Löner", "Wages";
        CostOb => "OB-tillägg", "Unsocial-hours pay";
        CostExpenses => "Omkostnader", "Expenses";
        CostTraining => "Utbildning", "Training";
        CostStaff => "Personalkostnader", "Staff costs";
        CostAdmin => "Administration", "Administration";
        SaveCosts => "Spara kostnaderna", "Save the costs";
        SignClaimTitle => "Skriv under räkningen", "Sign the claim";
        SignClaimExplain => "När du skriver under intygar du att uppgifterna stämmer. Skriv ditt lösenord.", "When you sign, you confirm that the information is right. Type your password.";
        SignClaim => "Skriv under räkningen", "Sign the claim";
        PrintHint => "Sidan går att skriva ut med webbläsarens utskrift.", "The page can be printed with the browser's print function.";
        AuditTitle => "Granskningslogg", "Audit log";
        AuditExplain => "Varje ändring, underskrift och visning av fullständigt personnummer skrivs i loggen. Varje post bär kontrollsumman av posten före, så en ändrad eller borttagen post syns.", "Every change, signature and view of a full personnummer is written to the log. Each entry carries the checksum of the entry before it, so a changed or removed entry shows.";
        ChainIntact => "Kedjan är hel. Antal kontrollerade poster:", "The chain is intact. Entries checked:";
        ChainBroken => "Kedjan är bruten vid post", "The chain is broken at entry";
        AuditAt => "Tid", "Time";
        AuditWho => "Vem", "Who";
        AuditAction => "Händelse", "Event";
        AuditSubject => "Gäller", "Concerns";
        AdminAudit => "Granskningslogg", "Audit log";
        AdminExport => "Export", "Export";
        ExportTitle => "Export till Försäkringskassan och lön", "Export to Försäkringskassan and payroll";
        ExportIntro => "Exporten samlar månadens signerade tidsredovisningar (FK 3059), räkningar (FK 3057), LSS-rapport och lönefiler i ett signerat arkiv och låser månaden. En senare ändring görs som en rättelse.", "The export gathers the month's signed time reports (FK 3059), claims (FK 3057), LSS report and payroll files into one signed archive and locks the month. A later change is made as a correction.";
        ExportBlockedTitle => "Det här hindrar export", "What stands in the way of export";
        ExportReady => "Inga fel hindrar export.", "No errors stand in the way of export.";
        ExportButton => "Exportera och lås månaden", "Export and lock the month";
        ExportWorking => "Arkivet skapas i bakgrunden. Du kan lämna sidan och komma tillbaka; förloppet visas här.", "The archive is made in the background. You can leave the page and come back; its progress is shown here.";
        ExportStarted => "Exporten har startat. Förloppet visas nedan.", "The export has started. Its progress is shown below.";
        ExportJoined => "Månadens export pågår redan. Förloppet visas nedan.", "The month's export is already running. Its progress is shown below.";
        ExportJobTitle => "Exporten pågår", "The export is running";
        ExportJobGathering => "Månadens underlag samlas", "The month's content is being gathered";
        ExportJobOf => "av", "of";
        ExportJobUnit => "tidsredovisningar och räkningar klara", "time reports and claims done";
        ExportJobAbout => "cirka", "about";
        ExportJobLeft => "kvar", "left";
        ExportJobRefresh => "Uppdatera förloppet", "Refresh the progress";
        ExportJobProgress => "Exportens förlopp", "The export's progress";
        ExportFailed => "Exporten misslyckades. Inget arkiv skapades och månaden är inte låst. Försök igen; kvarstår felet, kontakta BITA:s drift.", "The export failed. No archive was made and the month is not locked. Try again; if it fails again, contact BITA's operators.";
        ExportStartedBy => "Exporten kan inte göras för din räkning längre: kontot som startade den finns inte eller är inaktiverat. Exportera igen.", "The export can no longer be made on the starter's behalf: the account that started it is gone or deactivated. Export again.";
        ExportReports => "Attesterade tidsredovisningar", "Attested time reports";
        ExportExported => "varav redan exporterade", "of which already exported";
        ExportClaims => "Signerade räkningar", "Signed claims";
        ExportRefused => "Exporten stoppades. Rätta felen i listan först; varje fel länkar till där det rättas.", "The export was stopped. Correct the errors in the list first; each links to where it is corrected.";
        ExportNothing => "Det finns ingen attesterad tidsredovisning för månaden att exportera.", "There is no attested time report for the month to export.";
        ExportNothingNew => "Månaden är redan exporterad och inget har rättats sedan dess. Ladda ner arkivet nedan.", "The month is already exported and nothing has been corrected since. Download the archive below.";
        ExportOldFrozen => "En tidsredovisning attesterades innan BITA sparade dagraderna med den. Gör en rättelse av den och attestera den igen.", "A time report was attested before BITA stored its day rows with it. Correct it and attest it again.";
        ExportChangedMeanwhile => "Månaden ändrades medan arkivet skapades. Exportera igen.", "The month changed while the archive was being made. Export again.";
        ExportDone => "Månaden är exporterad och låst. Arkivet finns nedan.", "The month is exported and locked. The archive is below.";
        ArchivesTitle => "Månadens arkiv", "The month's archives";
        ArchiveNone => "Inget arkiv ännu.", "No archive yet.";
        ArchiveVersion => "Version", "Version";
        ArchiveCreated => "Skapat", "Created";
        ArchiveBy => "Av", "By";
        ArchiveContent => "Innehåll", "Content";
        ArchiveFiles => "filer", "files";
        ArchiveCorrections => "rättelser", "corrections";
        ArchiveDownload => "Ladda ner", "Download";
        PublicKeyTitle => "Installationens publika nyckel", "The installation's public key";
        PublicKeyText => "Varje arkivs manifest är signerat med den här Ed25519-nyckeln (hex). Vem som helst kan kontrollera ett arkiv:", "Every archive's manifest is signed with this Ed25519 key (hex). Anyone can check an archive:";
        VerifyTitle => "Kontrollera ett arkiv", "Check an archive";
        VerifyIntro => "Ladda upp ett månadsarkiv (ZIP) från BITA. Varje fil kontrolleras mot manifestet och manifestet mot installationens signatur. Filen sparas inte.", "Upload a month archive (ZIP) from BITA. Every file is checked against the manifest and the manifest against the installation's signature. The file is not kept.";
        VerifyFile => "Arkiv (ZIP)", "Archive (ZIP)";
        VerifyButton => "Kontrollera", "Check";
        VerifyNoFile => "Välj en ZIP-fil att kontrollera.", "Choose a ZIP file to check.";
        VerifyOk => "Arkivet är oförändrat: signaturen och alla filer stämmer.", "The archive is unchanged: the signature and every file match.";
        VerifyFailed => "Arkivet stämmer inte:", "The archive does not match:";
        VerifyChecked => "Kontrollerade filer", "Files checked";
        VerifyNotAnArchive => "Filen är inte ett läsbart ZIP-arkiv.", "The file is not a readable ZIP archive.";
        VerifyNoManifest => "Arkivet saknar manifest.json.", "The archive has no manifest.json.";
        VerifyNoSignature => "Arkivet saknar signaturen manifest.json.sig.", "The archive has no signature manifest.json.sig.";
        VerifyManifestUnreadable => "manifest.json går inte att läsa.", "manifest.json cannot be read.";
        VerifySignatureInvalid => "Signaturen stämmer inte med manifestet och den här installationens nyckel: manifestet är ändrat eller kommer från en annan installation.", "The signature does not match the manifest and this installation's key: the manifest was changed or comes from another installation.";
        VerifyMissing => "Saknas i arkivet:", "Missing from the archive:";
        VerifyChanged => "Ändrad (kontrollsumman stämmer inte):", "Changed (checksum does not match):";
        VerifyUnlisted => "Finns inte i manifestet:", "Not in the manifest:";
        VerifyEidEvidence => "Beviset för en e-legitimation håller inte (ID-token, nyckel eller bindning till dokumentet):", "The evidence of an e-legitimation does not hold (ID token, key or binding to the document):";
        VerifySignatures => "Underskrifter", "Signatures";
        VerifyByPassword => "med lösenord", "with a password";
        SignatureApproval => "Godkännande", "Approval";
        SignatureAttestation => "Intygande på heder och samvete", "Attestation on honour";
        SignatureClaim => "Räkning", "Räkning";
        VerifyEidHolds => "beviset håller", "the evidence holds";
        VerifyEidFails => "beviset håller inte", "the evidence does not hold";
        VerifyThrough => "genom", "through";
        VerifyMoreSignatures => "… och fler underskrifter:", "… and more signatures:";
        VerifyTooLarge => "Arkivet har fler filer eller packas upp till mer än ett månadsarkiv kan: det är inte ett arkiv från BITA.", "The archive has more files, or unpacks to more, than a month archive can: it is not an archive from BITA.";
        VerifyMoreProblems => "Fler fel som inte visas:", "More problems not shown:";
        VerifySignedBy => "Signerat med nyckeln", "Signed with the key";
        RetiredKeys => "Arkiv från före ett nyckelbyte kontrolleras mot de tidigare nycklarna:", "Archives from before a key change are checked against the earlier keys:";
        VerifyFileTooLarge => "Filen är större än 256 MB och kan inte vara ett månadsarkiv från BITA.", "The file is larger than 256 MB and cannot be a month archive from BITA.";
        VerifyBusy => "Många kontrollerar arkiv just nu. Försök igen om en stund.", "Many archives are being checked right now. Try again in a moment.";
        UploadTooLarge => "Det du skickade är för stort. Välj en mindre fil. Största storlek:", "What you sent is too large. Choose a smaller file. Largest size:";
        UploadBroken => "Uppladdningen kom inte fram hel. Försök igen.", "The upload did not arrive whole. Try again.";
        VerifyRetiredKey => "(en tidigare nyckel för den här installationen)", "(an earlier key of this installation)";
        VerifyMunicipality => "Kommun", "Municipality";
        CorrectionTitle => "Rättelse", "Correction";
        CorrectionReason => "Orsak till rättelsen", "Reason for the correction";
        CorrectionButton => "Rätta månaden", "Correct the month";
        CorrectionHelp => "Månaden går tillbaka till assistenten som utkast. Godkännandet och räkningens underskrift makuleras och behövs igen. Nästa export får en ny version av tidsredovisningen, märkt som rättelse; den gamla finns kvar i det tidigare arkivet.", "The month goes back to the assistant as a draft. The approval and the claim's signature are voided and needed again. The next export gets a new version of the time report, marked as a correction; the old one stays in the earlier archive.";
        CorrectionNeedsReason => "Skriv orsaken till rättelsen.", "Write the reason for the correction.";
        CorrectionNotAttested => "Bara en attesterad eller exporterad månad rättas så här. En månad som inte är attesterad kan återsändas av brukaren.", "Only an attested or exported month is corrected this way. A month that is not attested can be returned by the recipient.";
        CorrectionStarted => "Rättelsen är påbörjad: månaden är tillbaka hos assistenten med orsaken.", "The correction has started: the month is back with the assistant with the reason.";
        FormsTitle => "Försäkringskassans blanketter", "Försäkringskassa's forms";
        FormsIntro => "På papper tar Försäkringskassan bara emot sina egna blanketter. Ladda ner de tomma, ifyllbara blanketterna FK 3059 och FK 3057 från Försäkringskassan och ladda upp dem här; BITA fyller i dem vid exporten. Fältens namn kopplas till BITA:s uppgifter med en karta (JSON); utan egen karta används BITA:s.", "On paper Försäkringskassan accepts only its own forms. Download the blank fillable forms FK 3059 and FK 3057 from Försäkringskassan and upload them here; BITA fills them in at export. The fields' names are linked to BITA's facts by a mapping (JSON); without one of your own, BITA's is used.";
        FormsNone => "Ingen blankett uppladdad: arkivet får BITA:s egna PDF-exemplar och ELT-filerna, inte FK:s blanketter.", "No form uploaded: the archive gets BITA's own PDF records and the ELT files, not FK's forms.";
        FormKind => "Blankett", "Form";
        FormFile => "Tom blankett (PDF)", "Blank form (PDF)";
        FormMapping => "Karta över fälten (JSON, valfri)", "Field mapping (JSON, optional)";
        FormUpload => "Ladda upp blanketten", "Upload the form";
        FormFields => "fält", "fields";
        FormMissing => "Fält som kartan nämner men blanketten saknar (fylls inte i):", "Fields the mapping names but the form lacks (not filled in):";
        FormComplete => "Blanketten har alla fält som kartan nämner.", "The form has every field the mapping names.";
        FormSaved => "Blanketten är sparad och har alla fält som behövs.", "The form is saved and has every field needed.";
        FormSavedMissing => "Blanketten är sparad, men den saknar fält som kartan nämner. Se listan nedan och ladda upp en karta som passar blanketten.", "The form is saved, but it lacks fields the mapping names. See the list below and upload a mapping that fits the form.";
        FormNoFile => "Välj blankettens PDF-fil.", "Choose the form's PDF file.";
        FormNotAPdf => "Filen gick inte att öppna som PDF. Ladda ner blanketten från Försäkringskassan igen.", "The file could not be opened as a PDF. Download the form from Försäkringskassan again.";
        FormNoFields => "PDF-filen har inga ifyllbara fält. Välj den ifyllbara blanketten från Försäkringskassan.", "The PDF has no fillable fields. Choose Försäkringskassa's fillable form.";
        FormHostile => "Filen kan inte vara Försäkringskassans blankett: den har för många sidor eller objekt, packas upp till för mycket eller tog för lång tid att läsa. Ladda ner blanketten från Försäkringskassan igen.", "The file cannot be Försäkringskassan's form: it has too many pages or objects, unpacks to too much or took too long to read. Download the form from Försäkringskassan again.";
        FormCouldNotCheck => "Blanketten kunde inte kontrolleras just nu (programmet qpdf saknas eller svarar inte). Försök igen senare eller kontakta den som driver BITA.", "The form could not be checked right now (the program qpdf is missing or does not answer). Try again later or contact whoever runs BITA.";
        FormTooLarge => "Filen är för stor: blanketten får vara högst 20 MB och kartan högst 256 kB.", "The file is too large: the form may be at most 20 MB and the mapping at most 256 kB.";
        FormBusy => "Många blanketter kontrolleras just nu. Försök igen om en stund.", "Many forms are being checked right now. Try again in a moment.";
        FormBadMapping => "Kartan är inte giltig JSON i BITA:s format (form, fields, rows). Rätta filen eller ladda upp utan karta.", "The mapping is not valid JSON in BITA's format (form, fields, rows). Correct the file or upload without a mapping.";
        ErrIssuer => "Skriv utfärdarens adress som börjar med https://, utan ? eller #.", "Write the issuer's address starting with https://, without ? or #.";
        ErrSlug => "Den korta adressen får bara ha a–z, siffror och bindestreck (2–40 tecken).", "The short address may only have a–z, digits and hyphens (2–40 characters).";
        EidNoAccount => "Du är inte registrerad i BITA hos den här kommunen. Be kommunen om en inbjudan, eller kontrollera att du valde rätt kommun.", "You are not registered in BITA with this municipality. Ask the municipality for an invitation, or check that you chose the right municipality.";
        EidTooManyProviders => "Kommunen har redan så många leverantörer som går. Ta bort en först.", "The municipality already has as many providers as allowed. Remove one first.";
        EidProviderAdded => "Leverantören är tillagd.", "The provider was added.";
        EidProviderRemoved => "Leverantören är borttagen.", "The provider was removed.";
        EidPasswordNeeded => "Lägg till en identitetsleverantör innan du stänger av lösenord, annars kan ingen logga in.", "Add an identity provider before turning passwords off, or nobody can log in.";
        EidStrongNeedsProvider => "Ange vilka acr-värden som är starka hos en leverantör innan du kräver e-legitimation.", "Give a provider's strong acr values before requiring e-legitimation.";
        EidSlugTaken => "Den korta adressen används redan av en annan kommun. Välj en annan.", "The short address is already used by another municipality. Choose another.";
        EidSettingsSaved => "Inställningarna för inloggning är sparade.", "The sign-in settings were saved.";
        EidDocumentChanged => "Dokumentet ändrades medan du legitimerade dig. Titta igenom det igen och signera på nytt.", "The document changed while you identified yourself. Look through it again and sign anew.";
        EidWrongPerson => "E-legitimationen gällde en annan person än den som är inloggad. Inget signerades.", "The e-legitimation was for another person than the one logged in. Nothing was signed.";
        EidSigningRequired => "Kommunen kräver att du signerar med e-legitimation.", "The municipality requires you to sign with e-legitimation.";
        EidFailed => "Legitimeringen kunde inte slutföras. Försök igen från början.", "The identification could not be completed. Try again from the start.";
        EidProviderDown => "Legitimeringstjänsten svarar inte just nu. Försök igen om en stund", "The identification service does not answer right now. Try again in a while";
        EidProviderDownPassword => "eller logga in med lösenord.", "or log in with your password.";
        EidWeak => "Legitimeringen var inte stark nog för det här. Använd BankID eller Freja eID.", "The identification was not strong enough for this. Use BankID or Freja eID.";
        EidOtherPerson => "Du legitimerade dig som en annan person än den som är inloggad.", "You identified yourself as another person than the one logged in.";
        EidPasswordNotAllowed => "Kommunen loggar in med e-legitimation. Välj din kommun och logga in där.", "The municipality signs in with e-legitimation. Choose your municipality and sign in there.";
        EidCancelled => "Legitimeringen avbröts. Inget har ändrats.", "The identification was cancelled. Nothing has changed.";
        EidSigned => "med e-legitimation", "with e-legitimation";
        InviteWithEid => "Eller använd din e-legitimation i stället för ett lösenord", "Or use your e-legitimation instead of a password";
        EidOnward => "Du skickas vidare till legitimeringstjänsten", "You are sent on to the identification service";
        EidOnwardLink => "Fortsätt dit", "Continue there";
        LoginWith => "Logga in med", "Log in with";
        LoginChooseMunicipality => "E-legitimation: välj din kommun", "E-legitimation: choose your municipality";
        LoginWithPassword => "Logga in med användarnamn och lösenord", "Log in with username and password";
        StepUpTitle => "Legitimera dig med e-legitimation", "Identify yourself with e-legitimation";
        StepUpHint => "Det du vill göra kräver en starkare inloggning. Efteråt kommer du tillbaka dit du var.", "What you want to do needs a stronger sign-in. Afterwards you return to where you were.";
        SignWithEid => "Signera med e-legitimation", "Sign with e-legitimation";
        SubmitWithEid => "Skicka in och signera med e-legitimation", "Submit and sign with e-legitimation";
        SubmitWithEidHint => "Du skickas till legitimeringstjänsten och tillbaka hit. Det du intygar är raderna ovan.", "You are sent to the identification service and back here. What you attest is the rows above.";
        EidAttestRequired => "Kommunen kräver att du intygar med e-legitimation.", "The municipality requires you to attest with e-legitimation.";
        AttestedWithEid => "Intygad med e-legitimation", "Attested with e-legitimation";
        SignWithEidHint => "Du skickas till legitimeringstjänsten och tillbaka hit. Det du signerar är dokumentet ovan.", "You are sent to the identification service and back here. What you sign is the document above.";
        IdentityTitle => "Inloggning och e-legitimation", "Sign-in and e-legitimation";
        IdentityHint => "Kommunens egen inloggning (för personal) och en tjänst för BankID eller Freja eID (för medborgare) via OpenID Connect.", "The municipality's own sign-in (for staff) and a service for BankID or Freja eID (for citizens) through OpenID Connect.";
        IdProviders => "Identitetsleverantörer", "Identity providers";
        IdNoProviders => "Inga leverantörer ännu: alla loggar in med lösenord.", "No providers yet: everyone logs in with a password.";
        IdProviderName => "Namn som visas på inloggningssidan", "Name shown on the sign-in page";
        IdIssuer => "Utfärdare (issuer)", "Issuer";
        IdClientId => "Klient-id", "Client id";
        IdClientSecret => "Klienthemlighet", "Client secret";
        IdClientSecretHint => "Sparas men visas aldrig igen.", "Stored but never shown again.";
        IdScopes => "Scopes (utöver openid)", "Scopes (besides openid)";
        IdPnrClaim => "Claim med personnummer", "Claim carrying the personnummer";
        IdPnrClaimHint => "T.ex. https://id.oidc.se/claim/personalIdentityNumber. Tomt: ingen koppling via personnummer.", "E.g. https://id.oidc.se/claim/personalIdentityNumber. Empty: no linking by personnummer.";
        IdEmailClaim => "Claim som kopplar personal (e-post)", "Claim that links staff (e-mail)";
        IdStrongAcr => "Starka acr-värden (mellanslag emellan)", "Strong acr values (space-separated)";
        IdStrongAcrHint => "T.ex. http://id.elegnamnden.se/loa/1.0/loa3. Används också vid signering.", "E.g. http://id.elegnamnden.se/loa/1.0/loa3. Also used for signing.";
        IdAdd => "Lägg till leverantör", "Add provider";
        IdRemove => "Ta bort", "Remove";
        IdCallback => "Registrera den här adressen hos leverantören (redirect URI):", "Register this address at the provider (redirect URI):";
        IdSettings => "Inställningar", "Settings";
        IdSlug => "Kort adress till inloggningen", "Short address of the sign-in";
        IdSlugHint => "Inloggningssidan blir /logga-in/<adress>, t.ex. exempelby.", "The sign-in page becomes /logga-in/<address>, e.g. exempelby.";
        IdPasswordLogin => "Tillåt inloggning med BITA-lösenord", "Allow signing in with a BITA password";
        IdStrongFor => "Kräv e-legitimation för", "Require e-legitimation for";
        StrongAdmin => "administratörens sidor", "the administrator's pages";
        StrongPnr => "att visa fullständigt personnummer", "showing a full personnummer";
        StrongHealth => "hälsouppgifter (sjukhusvistelser)", "health data (hospital stays)";
        StrongSigning => "signering (godkännande och räkning)", "signing (approval and räkning)";
        OtpTitle => "Tvåstegsverifiering", "Two-step verification";
        OtpIntro => "Med tvåstegsverifiering ber BITA om en engångskod från en app i din telefon (till exempel Microsoft Authenticator eller Google Authenticator) efter lösenordet. Kommunen kan kräva det för känsliga uppgifter.", "With two-step verification BITA asks for a one-time code from an app on your phone (for example Microsoft Authenticator or Google Authenticator) after the password. The municipality can require it for sensitive data.";
        OtpStateOff => "Tvåstegsverifiering är inte påslagen.", "Two-step verification is off.";
        OtpStart => "Slå på tvåstegsverifiering", "Turn on two-step verification";
        OtpReset => "Ta bort tvåstegsverifiering", "Remove two-step verification";
        OtpResetDone => "Tvåstegsverifieringen är borttagen. Personen loggar in med lösenordet och kan lägga till en ny.", "Two-step verification is removed. The person signs in with the password and can add a new one.";
        OtpResetMailSubject => "Din tvåstegsverifiering i BITA är borttagen", "Your two-step verification in BITA is removed";
        OtpResetMailBody => "Kommunens administratör har tagit bort tvåstegsverifieringen för ditt konto i BITA. Du loggar nu in med bara lösenordet och kan lägga till en ny under Tvåstegsverifiering. Var det inte du som bad om det? Kontakta kommunen.", "The municipality's administrator has removed two-step verification from your BITA account. You now sign in with the password alone and can add a new one under Two-step verification. Did you not ask for this? Contact the municipality.";
        OtpBegun => "Nyckeln är skapad. Den börjar gälla när du har bekräftat den med en kod från appen.", "The key is made. It takes effect once you confirm it with a code from the app.";
        OtpScan => "Skanna QR-koden med appen och skriv in koden den visar.", "Scan the QR code with the app and type the code it shows.";
        OtpQrAlt => "QR-kod för autentiseringsappen", "QR code for the authenticator app";
        OtpSecretManual => "Kan du inte skanna? Skriv in den här nyckeln i appen:", "Cannot scan? Type this key into the app:";
        OtpCodeLabel => "Koden från appen (6 siffror)", "The code from the app (6 digits)";
        OtpConfirm => "Bekräfta och slå på", "Confirm and turn on";
        OtpOn => "Tvåstegsverifiering är påslagen.", "Two-step verification is on.";
        OtpOff => "Tvåstegsverifiering är avstängd.", "Two-step verification is off.";
        OtpAlreadyOn => "Tvåstegsverifiering är redan påslagen.", "Two-step verification is already on.";
        OtpWrongCode => "Koden stämmer inte. Skriv den kod appen visar just nu, eller en oanvänd reservkod.", "The code is not right. Type the code the app shows now, or an unused recovery code.";
        OtpExpired => "Inloggningen tog för lång tid. Logga in igen.", "The sign-in took too long. Sign in again.";
        OtpCodesTitle => "Dina reservkoder", "Your recovery codes";
        OtpCodesHint => "Spara koderna på ett säkert ställe. Varje kod fungerar en gång om du inte har telefonen. De visas bara nu.", "Keep the codes somewhere safe. Each code works once if you do not have your phone. They are shown only now.";
        OtpCodesLeft => "Oanvända reservkoder:", "Unused recovery codes:";
        OtpRemoveLabel => "Kod från appen eller en reservkod", "A code from the app or a recovery code";
        OtpRemove => "Stäng av tvåstegsverifiering", "Turn off two-step verification";
        LoginCodeTitle => "Engångskod", "One-time code";
        LoginCodeHint => "Skriv koden från autentiseringsappen, eller en av dina reservkoder.", "Type the code from the authenticator app, or one of your recovery codes.";
        LoginCodeButton => "Fortsätt", "Continue";
        StrongAttestation => "assistentens intygande på heder och samvete", "the assistant's attestation on honour";
        IdSaveSettings => "Spara inställningarna", "Save the settings";
        // Schedules (issue 27).
        ScheduleTitle => "Schema", "Schedules";
        ScheduleIntro => "Planera vem som arbetar när. Grundschemat upprepas; månadens schema görs från det, ändras dag för dag och publiceras till assistenterna. Reglerna kontrolleras medan du planerar.", "Plan who works when. The base schedule repeats; the month's schedule is made from it, changed day by day and published to the assistants. The rules are checked while you plan.";
        ScheduleNotMade => "Inget schema för månaden", "No schedule for the month";
        SchedulePublishedState => "Publicerat", "Published";
        ScheduleDraftState => "Utkast, inte publicerat", "Draft, not published";
        ScheduleShifts => "Pass", "Shifts";
        ScheduleVacant => "Vakanta pass", "Vacant shifts";
        ScheduleFlagged => "Pass med anmärkning", "Shifts with a remark";
        ScheduleOpen => "Öppna schemat", "Open the schedule";
        ScheduleNoRecipients => "Du har inga brukare att planera för. Administratören ger arbetsledare deras brukare.", "You have no recipients to plan for. The administrator gives work leaders their recipients.";
        HoursBarTitle => "Timmar mot beslutet", "Hours against the decision";
        HoursGranted => "Beviljat", "Granted";
        HoursPlanned => "Planerat", "Planned";
        HoursReported => "Rapporterat hittills", "Reported so far";
        HoursLeft => "Kvar att planera", "Left to plan";
        HoursNoDecision => "inget beslut", "no decision";
        HoursOver => "Planen är över de beviljade timmarna. Stryk eller korta pass, eller kontrollera beslutet.", "The plan is over the granted hours. Cancel or shorten shifts, or check the decision.";
        HoursUnit => "tim", "h";
        FollowUpTitle => "Uppföljning", "Follow-up";
        FollowUpIntro => "Planerat mot rapporterat per assistent och brukare, och pass som har tagit slut utan att vara bekräftade eller markerade som inte arbetade.", "Planned against reported per assistant and recipient, and shifts that have ended without being confirmed or marked as not worked.";
        FollowUpUnconfirmed => "Obekräftade pass", "Unconfirmed shifts";
        FollowUpActions => "Åtgärder", "Actions";
        FollowUpNone => "Inga planerade pass den här månaden.", "No planned shifts this month.";
        RemindUnconfirmed => "Påminn alla med obekräftade pass", "Remind everyone with unconfirmed shifts";
        RemindUnconfirmedHint => "Ett e-postmeddelande per person, högst ett om dagen.", "One e-mail per person, at most one a day.";
        RemindedUnconfirmed => "Påminda assistenter:", "Assistants reminded:";
        NobodyToRemind => "Ingen att påminna: alla har bekräftat sina pass eller fått en påminnelse i dag.", "Nobody to remind: everyone has confirmed their shifts or has been reminded today.";
        MailPlannedSubject => "Bekräfta dina arbetspass i BITA", "Confirm your shifts in BITA";
        MailPlannedBody => "Du har arbetspass som har tagit slut men inte är bekräftade. Öppna BITA och tryck Jobbade som planerat, Jobbade annorlunda eller Jobbade inte för varje pass.", "You have shifts that have ended but are not confirmed. Open BITA and press Worked as planned, Worked differently or Did not work for each shift.";
        BaseTitle => "Grundschema", "Base schedule";
        BaseIntro => "Ett mönster på en eller flera veckor som upprepas från sin första måndag. Ett pass som slutar före starttiden går över midnatt.", "A pattern of one or more weeks that repeats from its first Monday. A shift that ends before its start time runs past midnight.";
        BaseNone => "Inget grundschema ännu. Välj antal veckor och första måndag.", "No base schedule yet. Choose the number of weeks and the first Monday.";
        BaseWeeks => "Antal veckor (1–8)", "Number of weeks (1–8)";
        BaseStartsOn => "Första måndagen (ÅÅÅÅ-MM-DD)", "The first Monday (YYYY-MM-DD)";
        BaseSave => "Spara grundschemat", "Save the base schedule";
        ScheduleBaseSaved => "Grundschemat är sparat.", "The base schedule is saved.";
        ScheduleBaseInvalid => "Skriv antal veckor (1–8) och ett datum som är en måndag, ÅÅÅÅ-MM-DD.", "Write the number of weeks (1–8) and a date that is a Monday, YYYY-MM-DD.";
        ScheduleBaseShiftsOutside => "Grundschemat har pass i veckor som inte finns med färre veckor. Ta bort de passen först.", "The base schedule has shifts in weeks a shorter pattern does not have. Remove those shifts first.";
        Week => "Vecka", "Week";
        Weekday => "Veckodag", "Weekday";
        DayMon => "måndag", "Monday";
        DayTue => "tisdag", "Tuesday";
        DayWed => "onsdag", "Wednesday";
        DayThu => "torsdag", "Thursday";
        DayFri => "fredag", "Friday";
        DaySat => "lördag", "Saturday";
        DaySun => "söndag", "Sunday";
        Vacant => "Vakant", "Vacant";
        AddShift => "Lägg till passet", "Add the shift";
        AddShiftTitle => "Nytt pass i grundschemat", "New shift in the base schedule";
        RemoveShift => "Ta bort", "Remove";
        ScheduleShiftInvalid => "Passet sparades inte. Kontrollera vecka, dag, tider (TT:MM) och typ av tid.", "The shift was not saved. Check the week, day, times (HH:MM) and kind of time.";
        ScheduleShiftAdded => "Passet är tillagt.", "The shift is added.";
        ScheduleShiftRemoved => "Passet är borttaget.", "The shift is removed.";
        ScheduleNotAssigned => "Assistenten har inget uppdrag hos brukaren. Välj en av brukarens assistenter eller vakant.", "The assistant has no assignment with the recipient. Choose one of the recipient's assistants or vacant.";
        ScheduleNoBase => "Gör ett grundschema först.", "Make a base schedule first.";
        ScheduleTooManyShifts => "Grundschemat har redan så många pass som det kan ha.", "The base schedule already has as many shifts as it can.";
        ScheduleMonthFull => "Månadens schema har redan så många pass som det kan ha (1 000). Ändra de pass som finns i stället för att lägga till fler.", "The month's schedule already has as many shifts as it can hold (1,000). Change the shifts it has instead of adding more.";
        ScheduleOverlapNoDouble => "Passet ligger samtidigt som ett annat pass, och brukarens beslut ger inte dubbelassistans. Ändra tiderna.", "The shift is at the same time as another shift, and the recipient's decision does not grant double assistance. Change the times.";
        ScheduleDouble => "Beslutet ger dubbelassistans: två assistenter samtidigt är tillåtet.", "The decision grants double assistance: two assistants at once are allowed.";
        MonthPlanTitle => "Månadens schema", "The month's schedule";
        MonthPlanNone => "Månaden har inget schema ännu.", "The month has no schedule yet.";
        MakeMonth => "Gör månadens schema från grundschemat", "Make the month's schedule from the base schedule";
        ScheduleMade => "Månadens schema är gjort. Planerade pass:", "The month's schedule is made. Planned shifts:";
        ScheduleNotPlanned => "De här passen kunde inte planeras, eftersom tiden inte finns den dagen. Lägg in dem som extra pass med en annan tid:", "These shifts could not be planned, because the time does not exist that day. Add them as extra shifts at another time:";
        ScheduleMonthExists => "Månaden har redan ett schema. Ändra det pass för pass.", "The month already has a schedule. Change it shift by shift.";
        PublishPlan => "Publicera för assistenterna", "Publish to the assistants";
        PublishAgain => "Publicera ändringarna", "Publish the changes";
        SchedulePublished => "Schemat är publicerat. Assistenterna ser sina pass.", "The schedule is published. The assistants see their shifts.";
        PublishedAt => "Publicerat", "Published";
        ScheduleNoMonth => "Gör månadens schema först.", "Make the month's schedule first.";
        ScheduleOutsideMonth => "Datumet ligger inte i månaden.", "The date is not in the month.";
        ScheduleChanged => "Passet är ändrat.", "The shift is changed.";
        Substitute => "Byt assistent", "Change assistant";
        SwapWith => "Byt assistent med passet", "Swap assistant with the shift";
        Swap => "Byt", "Swap";
        CancelPlanned => "Stryk passet", "Cancel the shift";
        RestoreShift => "Ta tillbaka passet", "Restore the shift";
        StateOpen => "Planerat", "Planned";
        StateConfirmed => "Bekräftat", "Confirmed";
        StateNotWorked => "Inte arbetat", "Not worked";
        StateCancelled => "Struket", "Cancelled";
        ExtraShift => "Extra", "Extra";
        ExtraTitle => "Extra pass", "Extra shift";
        AddExtra => "Lägg till det extra passet", "Add the extra shift";
        PlanNotAssigned => "Assistenten har inget uppdrag hos brukaren.", "The assistant has no assignment with the recipient.";
        PlanChecksFine => "Reglerna har inget att anmärka på planen.", "The rules have nothing to remark on the plan.";
        PlannedAlreadySettled => "Passet är redan bekräftat eller markerat. Inget ändrades.", "The shift is already confirmed or marked. Nothing changed.";
        PlannedRefused => "Passet kunde inte sparas som tid:", "The shift could not be saved as time:";
        PlannedNotEnded => "Passet har inte tagit slut än. Bekräfta det när det är slut.", "The shift has not ended yet. Confirm it when it has.";
        PlannedNotWorkedSaved => "Passet är markerat som inte arbetat.", "The shift is marked as not worked.";
        PlannedTitle => "Dina pass", "Your shifts";
        PlannedNone => "Inga planerade pass att bekräfta.", "No planned shifts to confirm.";
        PlannedUpcoming => "Kommande", "Coming";
        WorkedAsPlanned => "Jobbade som planerat", "Worked as planned";
        WorkedDifferently => "Jobbade annorlunda", "Worked differently";
        DidNotWork => "Jobbade inte", "Did not work";
        PlannedUnsettled => "Du har planerade pass den här månaden som inte är bekräftade. Tryck Jobbade som planerat, Jobbade annorlunda eller Jobbade inte för varje pass och skicka in igen.", "You have planned shifts this month that are not confirmed. Press Worked as planned, Worked differently or Did not work for each shift and submit again.";
        CalendarTitle => "Kalender", "Calendar";
        CalendarIntro => "Prenumerera på dina pass i telefonens kalender. Adressen är hemlig: den som har den ser dina pass. Du kan ta bort den eller göra en ny när som helst.", "Subscribe to your shifts in your phone's calendar. The address is secret: whoever has it sees your shifts. You can remove it or make a new one at any time.";
        CalendarMake => "Skapa en kalenderadress", "Make a calendar address";
        CalendarRenew => "Gör en ny adress (den gamla slutar fungera)", "Make a new address (the old one stops working)";
        CalendarRemoveButton => "Ta bort kalenderadressen", "Remove the calendar address";
        CalendarLinkShown => "Lägg till adressen som en kalenderprenumeration i telefonen. Den visas bara nu.", "Add the address as a calendar subscription on your phone. It is shown only now.";
        CalendarCreated => "Kalenderadressen är skapad.", "The calendar address is made.";
        CalendarRemoved => "Kalenderadressen är borttagen och fungerar inte längre.", "The calendar address is removed and no longer works.";
        CalendarActive => "Du har en kalenderadress.", "You have a calendar address.";
        CalendarName => "Mina pass (BITA)", "My shifts (BITA)";
        CalendarShift => "Pass hos", "Shift with";
        WorkLeadersTitle => "Arbetsledare", "Work leaders";
        WorkLeadersIntro => "En arbetsledare planerar, följer upp och påminner för de brukare du ger dem, och ser ingenting annat.", "A work leader plans, follows up and reminds for the recipients you give them, and sees nothing else.";
        WorkLeadersNone => "Inga arbetsledare ännu.", "No work leaders yet.";
        WorkLeaderName => "Namn", "Name";
        WorkLeaderAdd => "Lägg till arbetsledaren", "Add the work leader";
        WorkLeaderAddTitle => "Ny arbetsledare", "New work leader";
        WorkLeaderNameMissing => "Skriv arbetsledarens namn.", "Write the work leader's name.";
        WorkLeaderRecipients => "Brukare", "Recipients";
        WorkLeaderNoRecipients => "Inga brukare ännu.", "No recipients yet.";
        WorkLeaderGive => "Ge brukaren", "Give the recipient";
        WorkLeaderTake => "Ta bort", "Take away";
        WorkLeaderScopeSaved => "Arbetsledarens brukare är ändrade.", "The work leader's recipients are changed.";
        NothingChanged => "Inget ändrades.", "Nothing changed.";
        Inactive => "inaktiv", "inactive";
    }
}

/// A domain value's name in the user's language (the domain crate has no text of its own).
pub trait Label {
    fn label(self, l: Locale) -> &'static str;
}

/// What is wrong and what to do, in the user's language.
pub trait Message {
    fn message(&self, l: Locale) -> String;
}

/// Why a form's value was refused, in the user's language (one fixed text per reason).
pub trait Reason {
    fn message(self, l: Locale) -> &'static str;
}

impl Message for crate::domain::documents::VerifyProblem {
    /// What is wrong, naming the file where there is one.
    fn message(&self, l: Locale) -> String {
        use crate::domain::documents::VerifyProblem as P;
        match self {
            P::NotAnArchive => l.t(T::VerifyNotAnArchive).to_string(),
            P::NoManifest => l.t(T::VerifyNoManifest).to_string(),
            P::NoSignature => l.t(T::VerifyNoSignature).to_string(),
            P::ManifestUnreadable => l.t(T::VerifyManifestUnreadable).to_string(),
            P::SignatureInvalid => l.t(T::VerifySignatureInvalid).to_string(),
            P::Missing(f) => format!("{} {f}", l.t(T::VerifyMissing)),
            P::Changed(f) => format!("{} {f}", l.t(T::VerifyChanged)),
            P::Unlisted(f) => format!("{} {f}", l.t(T::VerifyUnlisted)),
            P::EidEvidence(f) => format!("{} {f}", l.t(T::VerifyEidEvidence)),
            P::TooLarge => l.t(T::VerifyTooLarge).to_string(),
        }
    }
}

impl Label for crate::domain::documents::SignerCapacity {
    fn label(self, l: Locale) -> &'static str {
        use crate::domain::documents::SignerCapacity::{Myself, Representative};
        use crate::domain::people::Capacity;
        l.t(match self {
            Myself => T::CapacitySelf,
            Representative(Capacity::Vardnadshavare) => T::CapacityVardnadshavare,
            Representative(Capacity::GodMan) => T::CapacityGodMan,
            Representative(Capacity::Forvaltare) => T::CapacityForvaltare,
        })
    }
}

impl Label for TimeKind {
    fn label(self, l: Locale) -> &'static str {
        l.t(match self {
            TimeKind::Aktiv => T::KindAktiv,
            TimeKind::Vantetid => T::KindVantetid,
            TimeKind::Beredskap => T::KindBeredskap,
        })
    }
}

impl Label for MonthStatus {
    fn label(self, l: Locale) -> &'static str {
        l.t(match self {
            MonthStatus::Draft => T::StatusDraft,
            MonthStatus::Submitted => T::StatusSubmitted,
            MonthStatus::Approved => T::StatusApproved,
            MonthStatus::Attested => T::StatusAttested,
            MonthStatus::Exported => T::StatusExported,
        })
    }
}

impl Message for RowError {
    /// What is wrong and what to do, in the user's language.
    fn message(&self, l: Locale) -> String {
        match self {
            RowError::RecipientMissing => l.t(T::ErrRecipientMissing).into(),
            RowError::NotAssigned => l.t(T::ErrNotAssigned).into(),
            RowError::DateInvalid => l.t(T::ErrDateInvalid).into(),
            RowError::TimeInvalid(_) => l.t(T::ErrTimeInvalid).into(),
            RowError::TimeNonexistent(_) => l.t(T::ErrTimeNonexistent).into(),
            RowError::TimeAmbiguous(_) => l.t(T::ErrTimeAmbiguous).into(),
            RowError::EndNotAfterStart => l.t(T::ErrEndNotAfterStart).into(),
            RowError::TooLongForOneRow => l.t(T::ErrTooLongForOneRow).into(),
            RowError::KindInvalid => l.t(T::ErrKindInvalid).into(),
            // Named with its rule, as every finding is ("V3 Fel: …").
            RowError::Overlap { date, start, end } => {
                format!(
                    "V3 {}: {} ({date} {start}–{end}). {}",
                    Severity::Error.label(l),
                    l.t(T::ErrOverlap),
                    l.t(T::ErrOverlapFix)
                )
            }
            RowError::MonthLocked => l.t(T::ErrMonthLocked).into(),
            RowError::TooFarAhead(last) => format!("{} {last}.", l.t(T::ErrTooFarAhead)),
            RowError::MonthClosed(deadline) => {
                format!("{} {deadline}. {}", l.t(T::ErrMonthClosed), l.t(T::ErrMonthClosedFix))
            }
            RowError::NoDecision => l.t(T::ErrNoDecision).into(),
            RowError::Rule(f) => f.message(l),
        }
    }
}

impl From<crate::domain::text::TextError> for T {
    fn from(e: crate::domain::text::TextError) -> T {
        match e {
            crate::domain::text::TextError::TooLong => T::TextTooLong,
            crate::domain::text::TextError::ControlCharacters => T::TextBadChars,
        }
    }
}

impl Message for crate::domain::register::RegError {
    /// What is wrong and what to do, in the user's language.
    fn message(&self, l: Locale) -> String {
        use crate::domain::register::{RegError, TextErrorKind};
        l.t(match self {
            RegError::PersonnummerInvalid => T::ErrRegPersonnummer,
            RegError::PersonnummerTaken => T::ErrRegPersonnummerTaken,
            RegError::Missing(_) => T::ErrRegMissing,
            RegError::Text(_, TextErrorKind::TooLong) => T::TextTooLong,
            RegError::Text(_, TextErrorKind::ControlCharacters) => T::TextBadChars,
            RegError::BirthDateNeeded => T::ErrRegBirthDateNeeded,
            RegError::DateInvalid(_) => T::ErrRegDate,
            RegError::PeriodMonthsInvalid => T::ErrRegMonths,
            RegError::Choice(_) => T::ErrRegChoice,
            RegError::OrganisationsnummerInvalid => T::ErrRegOrg,
            RegError::SamordningsnummerForRecipient => T::ErrRegSamordningRecipient,
        })
        .to_string()
    }
}

impl Reason for crate::domain::settings::Problem {
    fn message(self, l: Locale) -> &'static str {
        use crate::domain::settings::Problem as P;
        l.t(match self {
            P::Missing => T::ErrRegMissing,
            P::Text => T::ErrText,
            P::Date => T::ErrRegDate,
            P::Order => T::ErrOrder,
            P::Choice => T::ErrRegChoice,
            P::Number => T::ErrNumber,
            P::Personnummer => T::ErrRegPersonnummer,
            P::Organisationsnummer => T::ErrRegOrg,
            P::Year => T::ErrYear,
            P::Amount => T::ErrAmount,
            P::Email => T::ErrEmail,
            P::RaisedTooHigh => T::ErrRaisedTooHigh,
            P::Samordningsnummer => T::ErrRegSamordningRecipient,
            P::Taken => T::ErrTaken,
            P::UsernameUnusable => T::UsernameTaken,
            P::Overlaps => T::ErrAbsenceOverlaps,
            P::Address => T::ErrIssuer,
            P::Slug => T::ErrSlug,
        })
    }
}

impl Reason for crate::domain::register::AssignmentError {
    fn message(self, l: Locale) -> &'static str {
        use crate::domain::register::AssignmentError as E;
        l.t(match self {
            E::RecipientMissing => T::ErrAssignRecipient,
            E::FromInvalid | E::ToInvalid | E::NotifiedInvalid => T::ErrRegDate,
            E::ToBeforeFrom => T::ErrAssignToBeforeFrom,
            E::OutsideDecision => T::ErrAssignOutsideDecision,
            E::Overlaps => T::ErrAssignOverlaps,
        })
    }
}

impl Reason for crate::domain::register::DecisionFormError {
    fn message(self, l: Locale) -> &'static str {
        use crate::domain::register::DecisionFormError as E;
        l.t(match self {
            E::Funder => T::ErrDecisionFunder,
            E::GrantedPer => T::ErrDecisionPer,
            E::Hours => T::ErrDecisionHours,
            E::PeriodMonths => T::ErrDecisionMonths,
            E::Dates => T::ErrDecisionDates,
            E::EndsBeforeStart => T::ErrDecisionOrder,
            E::RaisedRate => T::ErrDecisionRate,
            E::RaisedTooHigh => T::ErrRaisedTooHigh,
            E::RaisedStandardUnknown => T::ErrRaisedStandardUnknown,
            E::Overlaps => T::ErrDecisionOverlaps,
        })
    }
}

impl Label for RowField {
    fn label(self, l: Locale) -> &'static str {
        l.t(match self {
            RowField::Recipient => T::Recipient,
            RowField::Date => T::Date,
            RowField::Start => T::Start,
            RowField::End => T::End,
            RowField::Kind => T::Kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_the_cookie_and_defaults_to_swedish() {
        assert_eq!(Locale::from_cookie_header("a=b; bita_lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("bita_lang=fr"), Locale::Sv);
        assert_eq!(Locale::from_cookie_header(""), Locale::Sv);
    }

    #[test]
    fn every_row_error_says_what_to_do_in_both_languages() {
        let overlap = RowError::Overlap {
            date: "2026-11-23".into(),
            start: "07:00".into(),
            end: "15:00".into(),
        };
        assert!(overlap.message(Locale::Sv).contains("2026-11-23 07:00–15:00"));
        // Named with its rule like every finding (issue 24 item 14).
        assert!(
            overlap.message(Locale::En).starts_with("V3 Error: The time overlaps"),
            "{}",
            overlap.message(Locale::En)
        );
        assert!(overlap.message(Locale::Sv).starts_with("V3 Fel: Tiden krockar"));
        assert!(RowError::EndNotAfterStart.message(Locale::Sv).contains("nästa dag"));
    }
}

use crate::domain::rules::{AbsenceKind, Finding, Severity, What};

impl Label for Severity {
    fn label(self, l: Locale) -> &'static str {
        match (self, l) {
            (Severity::Error, Locale::Sv) => "Fel",
            (Severity::Error, Locale::En) => "Error",
            (Severity::Warning, Locale::Sv) => "Varning",
            (Severity::Warning, Locale::En) => "Warning",
            (Severity::Info, Locale::Sv) => "Information",
            (Severity::Info, Locale::En) => "Information",
        }
    }
}

impl Label for AbsenceKind {
    fn label(self, l: Locale) -> &'static str {
        match (self, l) {
            (AbsenceKind::Hospital, Locale::Sv) => "sjukhusvistelse",
            (AbsenceKind::Hospital, Locale::En) => "hospital stay",
            (AbsenceKind::School, Locale::Sv) => "skola",
            (AbsenceKind::School, Locale::En) => "school",
            (AbsenceKind::DailyActivity, Locale::Sv) => "daglig verksamhet",
            (AbsenceKind::DailyActivity, Locale::En) => "daily activity",
            (AbsenceKind::Childcare, Locale::Sv) => "barnomsorg",
            (AbsenceKind::Childcare, Locale::En) => "childcare",
        }
    }
}

impl Message for Finding {
    /// "V5 Varning: …" — which rule, how serious, what is wrong and what to do.
    fn message(&self, l: Locale) -> String {
        format!("{:?} {}: {}", self.rule, self.severity.label(l), self.what.message(l))
    }
}

/// A label inside a sentence: "Aktiv tid" becomes "aktiv tid". ASCII lowercasing, because
/// `str::to_lowercase` brought its Unicode tables (some 15 KB) into the phone's wasm, and every
/// label put in a sentence starts with an ASCII letter (a test holds them to it).
fn in_sentence(label: &str) -> String {
    label.to_ascii_lowercase()
}

impl Message for What {
    /// What is wrong and what to do about it.
    fn message(&self, l: Locale) -> String {
        let sv = l == Locale::Sv;
        match self {
            What::RecipientHasSamordningsnummer { recipient } => {
                if sv {
                    format!(
                        "{recipient} har ett samordningsnummer. Försäkringskassan kräver personnummer för den som har assistans; registrera personnumret."
                    )
                } else {
                    format!(
                        "{recipient} has a coordination number. FK requires a personnummer for the person with assistance; register it."
                    )
                }
            }
            What::PersonnummerInvalid { who } => {
                if sv {
                    format!(
                        "Personnumret för {who} är felaktigt. Skriv 12 siffror, ÅÅÅÅMMDDNNNN, och kontrollera kontrollsiffran."
                    )
                } else {
                    format!(
                        "The personnummer of {who} is invalid. Write 12 digits, YYYYMMDDNNNN, and check the last digit."
                    )
                }
            }
            What::NotNotified { assistant, recipient, notified } => match (sv, notified) {
                (true, Some(n)) => format!(
                    "{assistant} anmäldes till Försäkringskassan för {recipient} först {n}. Tid före anmälan ersätts inte; kontrollera datumet för anmälan (3066/E-IOA)."
                ),
                (true, None) => format!(
                    "{assistant} är inte anmäld till Försäkringskassan som assistent för {recipient}. Anmäl assistenten (3066/E-IOA) innan tiden redovisas."
                ),
                (false, Some(n)) => format!(
                    "{assistant} was reported to FK for {recipient} only on {n}. Time before that is not paid; check the date of the notice (3066/E-IOA)."
                ),
                (false, None) => format!(
                    "{assistant} is not reported to FK as an assistant for {recipient}. Report the assistant (3066/E-IOA) before the time is submitted."
                ),
            },
            What::UnderAge { assistant, age, date } => {
                if sv {
                    format!(
                        "{assistant} är {age} år den {date}. En personlig assistent måste ha fyllt 18; tid före 18-årsdagen ersätts inte. Ta bort den delen av raden (dela en natt vid midnatt) eller rätta datumet."
                    )
                } else {
                    format!(
                        "{assistant} is {age} on {date}. A personal assistant must be 18 or older; time before the 18th birthday is not paid. Remove that part of the row (split a night at midnight) or correct the date."
                    )
                }
            }
            What::BirthDateMissing { assistant } => {
                if sv {
                    format!(
                        "{assistant} har ett samordningsnummer utan känt födelsedatum. Administratören behöver fylla i födelsedatumet så att åldern (minst 18 år) kan kontrolleras."
                    )
                } else {
                    format!(
                        "{assistant} has a coordination number without a known birth date. The administrator needs to enter the birth date so the age (at least 18) can be checked."
                    )
                }
            }
            What::NotifiedSameDay { assistant, recipient, notified } => {
                if sv {
                    format!(
                        "{assistant} anmäldes till Försäkringskassan för {recipient} samma dag, {notified}. Tid före anmälan den dagen ersätts inte; kontrollera klockslaget för anmälan."
                    )
                } else {
                    format!(
                        "{assistant} was reported to FK for {recipient} on the same day, {notified}. Time before the notice that day is not paid; check when the notice was made."
                    )
                }
            }
            What::PassTooLong { minutes, limit } => {
                if sv {
                    format!(
                        "Passet med aktiv tid är {minutes} från början till slut (med raster), längre än {limit} (AB bilaga J). Dela passet eller lägg in vila."
                    )
                } else {
                    format!(
                        "The pass of active work is {minutes} from start to end (breaks included), longer than {limit} (AB appendix J). Split the pass or add rest."
                    )
                }
            }
            What::OutsideEea { assistant } => {
                if sv {
                    format!(
                        "{assistant} är inte bosatt inom EES. Assistansersättning betalas bara för assistenter bosatta inom EES; kontakta arbetsledaren."
                    )
                } else {
                    format!(
                        "{assistant} does not live in the EEA. Assistance allowance is only paid for assistants living in the EEA; contact the supervisor."
                    )
                }
            }
            What::Relative { assistant, recipient } => {
                if sv {
                    format!(
                        "{assistant} är närstående till {recipient}. Det är tillåtet men visas för Försäkringskassan."
                    )
                } else {
                    format!(
                        "{assistant} is a relative of {recipient}. That is allowed but shown to FK."
                    )
                }
            }
            What::OutsideMonth { month } => {
                if sv {
                    format!("Raden ligger utanför månaden {month}. Redovisa den i rätt månad.")
                } else {
                    format!("The row is outside the month {month}. Report it in the right month.")
                }
            }
            What::Overlap { date } => {
                if sv {
                    format!(
                        "Två rader den {date} överlappar varandra (även för olika brukare). Ändra tiderna så att de inte krockar."
                    )
                } else {
                    format!(
                        "Two rows on {date} overlap (also across recipients). Change the times so they do not clash."
                    )
                }
            }
            What::KindNotGranted { kind, date } => {
                if sv {
                    format!(
                        "Beslutet ger inte {} den {date}. Ändra typ av tid eller kontrollera beslutet.",
                        in_sentence(kind.label(l))
                    )
                } else {
                    format!(
                        "The decision does not grant {} on {date}. Change the kind of time or check the decision.",
                        in_sentence(kind.label(l))
                    )
                }
            }
            What::NoDecision { date } => {
                if sv {
                    format!(
                        "Inget beslut om assistans gäller {date}. Kontrollera att beslutet är registrerat."
                    )
                } else {
                    format!(
                        "No decision on assistance covers {date}. Check that the decision is registered."
                    )
                }
            }
            What::ShiftTooLong { minutes, limit } => {
                if sv {
                    format!(
                        "Passet är {minutes}, längre än tillåtna {limit} (AB bilaga J). Dela passet mellan assistenter, eller registrera beslut om 24-timmarspass."
                    )
                } else {
                    format!(
                        "The shift is {minutes}, longer than the allowed {limit} (AB appendix J). Share it between assistants, or record a decision on 24-hour shifts."
                    )
                }
            }
            What::RestAfterShiftTooShort { rest, shift } => {
                if sv {
                    format!(
                        "Vilan efter ett pass på {shift} är bara {rest}; den ska vara minst lika lång som passet. Flytta nästa pass."
                    )
                } else {
                    format!(
                        "The rest after a {shift} shift is only {rest}; it must be at least as long as the shift. Move the next shift."
                    )
                }
            }
            What::DailyRestMissing { date } => {
                if sv {
                    format!(
                        "Dygnsvilan räcker inte från {date}: minst 11 timmars sammanhängande vila per dygn. Flytta eller korta passen."
                    )
                } else {
                    format!(
                        "Daily rest is too short from {date}: at least 11 consecutive hours of rest per 24 hours. Move or shorten the shifts."
                    )
                }
            }
            What::WeeklyRestMissing { from } => {
                if sv {
                    format!(
                        "Veckovilan räcker inte under sju dagar från {from}: minst 36 timmars sammanhängande vila. Lägg in en ledig period."
                    )
                } else {
                    format!(
                        "Weekly rest is too short in the seven days from {from}: at least 36 consecutive hours. Plan a period off."
                    )
                }
            }
            What::AverageTooHigh { per_week, limit, from, to } => {
                if sv {
                    format!(
                        "I snitt {per_week} per vecka {from}–{to}, mer än {limit}. Minska timmarna under perioden."
                    )
                } else {
                    format!(
                        "On average {per_week} per week {from}–{to}, more than {limit}. Reduce the hours in the period."
                    )
                }
            }
            What::GrantApproaching { used, granted, from, to } => {
                if sv {
                    format!(
                        "{used} av beviljade {granted} används {from}–{to}. Timmarna närmar sig beslutet."
                    )
                } else {
                    format!(
                        "{used} of the granted {granted} are used {from}–{to}. The hours approach the decision."
                    )
                }
            }
            What::GrantExceeded { used, granted, from, to } => {
                if sv {
                    format!(
                        "{used} redovisas {from}–{to}, mer än beviljade {granted}. Timmar utöver beslutet ersätts inte; kontrollera raderna eller beslutet."
                    )
                } else {
                    format!(
                        "{used} are reported {from}–{to}, more than the granted {granted}. Hours beyond the decision are not paid; check the rows or the decision."
                    )
                }
            }
            What::DoubleWithoutGrant { date } => {
                if sv {
                    format!(
                        "Två assistenter arbetar samtidigt den {date} utan beslut om dubbelassistans. Kontrollera tiderna eller beslutet."
                    )
                } else {
                    format!(
                        "Two assistants work at the same time on {date} without a decision on double assistance. Check the times or the decision."
                    )
                }
            }
            What::DuringAbsence { kind, date } => {
                if sv {
                    format!(
                        "Assistans den {date} under {} kräver särskilt beslut. Kontrollera beslutet eller raden.",
                        kind.label(l)
                    )
                } else {
                    format!(
                        "Assistance on {date} during {} needs a special decision. Check the decision or the row.",
                        kind.label(l)
                    )
                }
            }
            What::HospitalStayTooLong { from, days } => {
                if sv {
                    format!(
                        "Sjukhusvistelsen från {from} är {days} dagar. Assistans under sjukhusvistelse ersätts högst fyra veckor."
                    )
                } else {
                    format!(
                        "The hospital stay from {from} is {days} days. Assistance during a hospital stay is paid for at most four weeks."
                    )
                }
            }
            What::MonthNotReady { assistant, recipient, status } => {
                if sv {
                    format!(
                        "{assistant} – {recipient}: {}. Månaden måste vara inskickad, godkänd och attesterad före export.",
                        in_sentence(status.label(l))
                    )
                } else {
                    format!(
                        "{assistant} – {recipient}: {}. The month must be submitted, approved and attested before export.",
                        in_sentence(status.label(l))
                    )
                }
            }
            What::RakningIncomplete { recipient } => {
                if sv {
                    format!(
                        "Räkningen för {recipient} är inte klar eller inte signerad. Gör klart den före export."
                    )
                } else {
                    format!(
                        "The claim for {recipient} is not complete or not signed. Complete it before export."
                    )
                }
            }
            What::AssistantPhoneMissing { assistant } => {
                if sv {
                    format!(
                        "{assistant} saknar telefonnummer i registret. Tidsredovisningen (3059) ska ha assistentens telefonnummer; lägg in det på assistentens kort innan månaden attesteras."
                    )
                } else {
                    format!(
                        "{assistant} has no phone number in the register. The time report (3059) carries the assistant's phone number; add it on the assistant's card before the month is attested."
                    )
                }
            }
            What::StandardAmountMissing { year } => {
                if sv {
                    format!(
                        "Schablonbeloppet för {year} är inte inlagt, så månadens belopp kan inte räknas ut. Lägg in det under Anordnare när regeringen har beslutat det."
                    )
                } else {
                    format!(
                        "The standard hourly amount for {year} is not entered, so the month's amounts cannot be worked out. Enter it under Provider once the government has decided it."
                    )
                }
            }
            What::RakningNotSigned { recipient } => {
                if sv {
                    format!(
                        "Räkningen (3057) för {recipient} är inte signerad ännu. Brukaren eller företrädaren signerar den när alla tidsredovisningar är attesterade."
                    )
                } else {
                    format!(
                        "The claim (3057) for {recipient} is not signed yet. The recipient or their representative signs it once every time report is attested."
                    )
                }
            }
            What::Deadline { deadline, days_left } => match (sv, *days_left >= 0) {
                (true, true) => format!(
                    "Sista dag till Försäkringskassan är {deadline}: {days_left} dagar kvar."
                ),
                (true, false) => format!(
                    "Sista dag till Försäkringskassan var {deadline}. Skicka in snarast; utbetalningen för månaden väntar."
                ),
                (false, true) => {
                    format!("The deadline at FK is {deadline}: {days_left} days left.")
                }
                (false, false) => format!(
                    "The deadline at FK was {deadline}. Send the documents at once; the month's payment is waiting."
                ),
            },
        }
    }
}

#[cfg(test)]
mod finding_tests {
    use super::*;
    use crate::domain::Minutes;
    use crate::domain::rules::RuleId;

    #[test]
    fn a_label_in_a_sentence_is_lowercased_as_unicode_would() {
        let statuses = [
            MonthStatus::Draft,
            MonthStatus::Submitted,
            MonthStatus::Approved,
            MonthStatus::Attested,
            MonthStatus::Exported,
        ];
        for l in [Locale::Sv, Locale::En] {
            let labels =
                TimeKind::ALL.map(|k| k.label(l)).into_iter().chain(statuses.map(|s| s.label(l)));
            for label in labels {
                assert_eq!(in_sentence(label), label.to_lowercase(), "{label}");
            }
        }
    }

    #[test]
    fn findings_name_the_rule_and_say_what_to_do() {
        let f = Finding {
            rule: RuleId::V5,
            severity: Severity::Error,
            rows: vec![7],
            what: What::ShiftTooLong { minutes: Minutes(22 * 60), limit: Minutes(20 * 60) },
            assistant: None,
            recipient: None,
        };
        assert_eq!(
            f.message(Locale::Sv),
            "V5 Fel: Passet är 22 h 00 min, längre än tillåtna 20 h 00 min (AB bilaga J). Dela passet mellan assistenter, eller registrera beslut om 24-timmarspass."
        );
        assert!(f.message(Locale::En).starts_with("V5 Error: The shift is 22 h 00 min"));
    }
}
