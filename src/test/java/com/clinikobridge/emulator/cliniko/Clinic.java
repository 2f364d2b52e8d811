package com.clinikobridge.emulator.cliniko;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An invented Cliniko account (test data only, no real people), as produced by {@link ClinicGenerator}.
 * Shapes follow the Cliniko API 2025 schemas (DIGEST §5): ids are 64-bit {@code long}s, timestamps are UTC
 * {@link Instant}s, dates {@link LocalDate}s, money {@link BigDecimal}s with 2 decimals.
 * Lists are ordered by {@code created_at} (ids ascend with it, except legacy patient ids which are small).
 *
 * @param now                     the fixed "current time" the data was generated against (future appointments start after it)
 * @param businesses              clinic locations
 * @param users                   Cliniko users (every practitioner has one; plus one non-practitioner administrator)
 * @param practitioners           active and inactive practitioners
 * @param appointmentTypes        appointment types (the last one is a group class used only by group appointments)
 * @param patients                all patients, including archived and merged-away ones
 * @param individualAppointments  one-patient appointments, including cancelled ones
 * @param invoices                invoices (amounts, statuses 10/20/30/40)
 * @param unavailableBlocks       practitioner unavailability (appears only in the CSV appointments export)
 * @param groupAppointments       group classes (appear only in the CSV appointments export)
 * @param contacts                third parties ({@code /contacts}): doctors, 3rd party payers, standard contacts
 * @param referringDoctorByPatient patient id → referring doctor contact id (patient link {@code referring_doctor})
 * @param referralSourceTypes     {@code /referral_source_types}
 * @param referralSources         at most one per patient ({@code /referral_sources}, {@code /patients/{id}/referral_source})
 * @param medicalAlerts           {@code /medical_alerts}; the non-archived ones of a patient match
 *                                {@link Patient#medicalAlerts()} name for name, in order
 * @param patientCustomFieldsDefinition sections of {@code /settings} {@code patient_custom_fields_definition}
 * @param customFieldsByPatient   patient id → answered custom fields ({@code custom_fields}); absent ⇒ {@code null}
 * @param taxes                   {@code /taxes} (GST)
 * @param billableItems           {@code /billable_items}
 * @param products                {@code /products}
 * @param invoiceItems            {@code /invoice_items}; every invoice has 1–3 whose net prices sum to its net amount
 * @param treatmentNotes          {@code /treatment_notes}
 */
public record Clinic(
        Instant now,
        List<Business> businesses,
        List<User> users,
        List<Practitioner> practitioners,
        List<AppointmentType> appointmentTypes,
        List<Patient> patients,
        List<IndividualAppointment> individualAppointments,
        List<Invoice> invoices,
        List<UnavailableBlock> unavailableBlocks,
        List<GroupAppointment> groupAppointments,
        List<Contact> contacts,
        Map<Long, Long> referringDoctorByPatient,
        List<ReferralSourceType> referralSourceTypes,
        List<ReferralSource> referralSources,
        List<MedicalAlert> medicalAlerts,
        List<CustomFieldSection> patientCustomFieldsDefinition,
        Map<Long, List<CustomFieldSection>> customFieldsByPatient,
        List<Tax> taxes,
        List<BillableItem> billableItems,
        List<Product> products,
        List<InvoiceItem> invoiceItems,
        List<TreatmentNote> treatmentNotes) {

    /** A clinic without contacts, referrals, alerts, custom fields, catalogue, invoice items or treatment notes. */
    public Clinic(Instant now, List<Business> businesses, List<User> users, List<Practitioner> practitioners,
                  List<AppointmentType> appointmentTypes, List<Patient> patients,
                  List<IndividualAppointment> individualAppointments, List<Invoice> invoices,
                  List<UnavailableBlock> unavailableBlocks, List<GroupAppointment> groupAppointments) {
        this(now, businesses, users, practitioners, appointmentTypes, patients, individualAppointments, invoices,
                unavailableBlocks, groupAppointments, List.of(), Map.of(), List.of(), List.of(), List.of(), List.of(),
                Map.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Copies all lists and maps into unmodifiable ones (maps keep their iteration order). */
    public Clinic {
        businesses = List.copyOf(businesses);
        users = List.copyOf(users);
        practitioners = List.copyOf(practitioners);
        appointmentTypes = List.copyOf(appointmentTypes);
        patients = List.copyOf(patients);
        individualAppointments = List.copyOf(individualAppointments);
        invoices = List.copyOf(invoices);
        unavailableBlocks = List.copyOf(unavailableBlocks);
        groupAppointments = List.copyOf(groupAppointments);
        contacts = List.copyOf(contacts);
        referringDoctorByPatient = Collections.unmodifiableMap(new LinkedHashMap<>(referringDoctorByPatient));
        referralSourceTypes = List.copyOf(referralSourceTypes);
        referralSources = List.copyOf(referralSources);
        medicalAlerts = List.copyOf(medicalAlerts);
        patientCustomFieldsDefinition = List.copyOf(patientCustomFieldsDefinition);
        Map<Long, List<CustomFieldSection>> answers = new LinkedHashMap<>();
        customFieldsByPatient.forEach((k, v) -> answers.put(k, List.copyOf(v)));
        customFieldsByPatient = Collections.unmodifiableMap(answers);
        taxes = List.copyOf(taxes);
        billableItems = List.copyOf(billableItems);
        products = List.copyOf(products);
        invoiceItems = List.copyOf(invoiceItems);
        treatmentNotes = List.copyOf(treatmentNotes);
    }

    // ------------------------------------------------------------------ records

    /** A clinic location ({@code /businesses}). Time zone is an IANA id, e.g. {@code Australia/Melbourne}. */
    public record Business(long id, String businessName, String displayName, String address1, String city,
                           String state, String postCode, String timeZoneIdentifier,
                           Instant createdAt, Instant updatedAt) {
    }

    /** A Cliniko user ({@code /users}); the only place a practitioner's email lives. Role e.g. {@code practitioner}. */
    public record User(long id, String firstName, String lastName, String email, String role, boolean active,
                       Instant createdAt, Instant updatedAt) {
        /** "First Last". */
        public String fullName() {
            return firstName + " " + lastName;
        }
    }

    /** A practitioner ({@code /practitioners} when active, {@code /practitioners/inactive} otherwise). */
    public record Practitioner(long id, long userId, String title, String firstName, String lastName,
                               String displayName, String designation, boolean active,
                               Instant createdAt, Instant updatedAt) {
    }

    /** An appointment type; {@code maxAttendees > 1} means a group class. */
    public record AppointmentType(long id, String name, String category, int durationInMinutes, int maxAttendees,
                                  String color, Instant createdAt, Instant updatedAt) {
    }

    /**
     * A patient phone number. {@code phoneType} ∈ Mobile|Home|Work|Fax|Other, {@code number} as typed,
     * {@code normalizedNumber} international digits (e.g. {@code 61412345678}).
     */
    public record PhoneNumber(String phoneType, String number, String normalizedNumber) {
    }

    /**
     * A patient. {@code notes} is the free text exported as CSV "Extra Information" (may contain newlines/commas);
     * {@code medicalAlerts} are alert names (CSV "Medical Alerts"). A merged-away patient is archived and has
     * {@code mergedAt} + {@code mergedWithPatientId} (which may itself be merged-away: follow the chain).
     */
    public record Patient(long id, String title, String firstName, String lastName, String preferredFirstName,
                          String email, LocalDate dateOfBirth, String sex, String genderIdentity,
                          String occupation, String emergencyContact,
                          String address1, String address2, String address3, String city, String state,
                          String postCode, String country, String timeZone,
                          List<PhoneNumber> phoneNumbers, String notes, List<String> medicalAlerts,
                          String reminderType, Boolean acceptedPrivacyPolicy, Boolean acceptedEmailMarketing,
                          Instant archivedAt, Instant mergedAt, Long mergedWithPatientId,
                          Instant createdAt, Instant updatedAt) {
        /** Copies the lists. */
        public Patient {
            phoneNumbers = List.copyOf(phoneNumbers);
            medicalAlerts = List.copyOf(medicalAlerts);
        }

        /** True when archived (includes merged-away patients). */
        public boolean isArchived() {
            return archivedAt != null;
        }

        /** True when this record was merged into another patient. */
        public boolean isMerged() {
            return mergedAt != null;
        }

        /** "First Last" (Cliniko {@code label}). */
        public String fullName() {
            return firstName + " " + lastName;
        }

        /** All phone numbers of one type ({@code Mobile}, {@code Home}, ...), in order. */
        public List<PhoneNumber> phones(String phoneType) {
            return phoneNumbers.stream().filter(p -> p.phoneType().equals(phoneType)).toList();
        }
    }

    /**
     * A one-patient appointment ({@code /individual_appointments}). {@code cancellationReason} is the int code
     * (10,20,30,31,40,50,60); {@code treatmentNoteStatus} 10 Draft, 90 Final or null.
     */
    public record IndividualAppointment(long id, long patientId, long practitionerId, long businessId,
                                        long appointmentTypeId, Instant startsAt, Instant endsAt, String notes,
                                        Boolean patientArrived, Boolean didNotArrive,
                                        Instant cancelledAt, Integer cancellationReason,
                                        String cancellationReasonDescription, String cancellationNote,
                                        Integer treatmentNoteStatus, boolean onlineBooking,
                                        Instant archivedAt, Instant createdAt, Instant updatedAt) {
        /** True when cancelled. */
        public boolean isCancelled() {
            return cancelledAt != null;
        }

        /** True when it starts after {@code now}. */
        public boolean isFuture(Instant now) {
            return startsAt.isAfter(now);
        }
    }

    /**
     * An invoice. {@code status}: 10 Open, 20 Paid, 30 Closed, 40 Open credit. {@code totalAmount = netAmount + taxAmount}.
     * {@code paymentsApplied}, {@code outstandingBalance}, {@code creditApplied}, {@code otherAllocations} exist only in
     * the CSV export (the API has no payments).
     */
    public record Invoice(long id, int number, LocalDate issueDate, int status, long patientId, long practitionerId,
                          long businessId, Long appointmentId,
                          BigDecimal netAmount, BigDecimal taxAmount, BigDecimal totalAmount,
                          BigDecimal paymentsApplied, BigDecimal outstandingBalance, BigDecimal creditApplied,
                          BigDecimal otherAllocations,
                          String notes, String patientExtraInformation, Instant closedAt, Instant archivedAt,
                          Instant createdAt, Instant updatedAt) {
        /** Cliniko {@code status_description}: Open, Paid, Closed, Open credit. */
        public String statusDescription() {
            return statusDescription(status);
        }

        /** Maps an invoice status code to its description. */
        public static String statusDescription(int status) {
            return switch (status) {
                case 10 -> "Open";
                case 20 -> "Paid";
                case 30 -> "Closed";
                case 40 -> "Open credit";
                default -> throw new IllegalArgumentException("invoice status " + status);
            };
        }
    }

    /** A practitioner's unavailable block (CSV appointments export only). */
    public record UnavailableBlock(long id, long practitionerId, long businessId, Instant startsAt, Instant endsAt,
                                   Instant createdAt) {
    }

    /** A group class booking with several attendees (CSV appointments export only). */
    public record GroupAppointment(long id, long practitionerId, long businessId, long appointmentTypeId,
                                   Instant startsAt, Instant endsAt, int maxAttendees, List<Long> patientIds,
                                   Instant createdAt) {
        /** Copies the list. */
        public GroupAppointment {
            patientIds = List.copyOf(patientIds);
        }
    }

    /**
     * A third party ({@code /contacts}). {@code type} ∈ Doctor | 3rd Party Payer | Standard with {@code typeCode}
     * 1 | 2 | 0 (only Doctor = 1 is documented); {@code doctorType} ∈ general_practitioner | specialist (doctors only).
     * Phone numbers use {@link PhoneNumber}.
     */
    public record Contact(long id, String title, String firstName, String lastName, String preferredName,
                          String companyName, String occupation, String email, List<PhoneNumber> phoneNumbers,
                          String address1, String address2, String address3, String city, String state,
                          String postCode, String country, String notes, String providerNumber, String type,
                          Integer typeCode, String doctorType, Instant archivedAt, Instant createdAt,
                          Instant updatedAt) {
        /** Copies the list. */
        public Contact {
            phoneNumbers = List.copyOf(phoneNumbers);
        }

        /** "First Last" when a first or last name is set, else the company name. */
        public String displayName() {
            String name = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
            return name.isEmpty() ? companyName : name;
        }

        /** True for {@code type = Doctor}. */
        public boolean isDoctor() {
            return "Doctor".equals(type);
        }
    }

    /** A referral source type; {@code referrerType} ∈ null | Patient | Contact; {@code subcategories} may be empty. */
    public record ReferralSourceType(long id, String name, String referrerType, List<String> subcategories,
                                     Instant archivedAt, Instant createdAt, Instant updatedAt) {
        /** Copies the list. */
        public ReferralSourceType {
            subcategories = List.copyOf(subcategories);
        }
    }

    /**
     * A patient's referral source. {@code referrerId} is a patient id when {@code referrerType = Patient}, a contact id
     * when {@code Contact}, else null.
     */
    public record ReferralSource(long id, long patientId, long referralSourceTypeId, String referrerType,
                                 Long referrerId, String subcategory, String notes, Instant archivedAt,
                                 Instant createdAt, Instant updatedAt) {
    }

    /** A medical alert ({@code /medical_alerts}): one name per record. */
    public record MedicalAlert(long id, long patientId, String name, Instant archivedAt, Instant createdAt,
                               Instant updatedAt) {
    }

    /**
     * A custom-field section, used for both the definition ({@code /settings}) and a patient's answers
     * ({@code custom_fields}).
     */
    public record CustomFieldSection(String name, String token, boolean archived, List<CustomField> fields) {
        /** Copies the list. */
        public CustomFieldSection {
            fields = List.copyOf(fields);
        }
    }

    /**
     * A custom field. {@code type} ∈ text | paragraph | date | checkboxes | radiobuttons. Options and
     * {@code otherEnabled} exist only for checkboxes/radiobuttons (else empty list / null). In a definition
     * {@code value}, {@code otherSelected}, {@code otherValue} and the options' {@code selected} are null; in answers
     * text/paragraph/date have {@code value} (date as {@code YYYY-MM-DD}) and choice fields have
     * {@code selected} per option plus {@code otherSelected}/{@code otherValue}.
     */
    public record CustomField(String name, String token, String type, boolean archived,
                              List<CustomFieldOption> options, Boolean otherEnabled, String value,
                              Boolean otherSelected, String otherValue) {
        /** Copies the list. */
        public CustomField {
            options = List.copyOf(options);
        }

        /** True for checkboxes and radiobuttons. */
        public boolean isChoice() {
            return "checkboxes".equals(type) || "radiobuttons".equals(type);
        }
    }

    /** An option of a checkboxes/radiobuttons custom field; {@code selected} is null in the definition. */
    public record CustomFieldOption(String name, String token, boolean archived, Boolean selected) {
    }

    /** A tax ({@code /taxes}), e.g. GST with rate 10.0. */
    public record Tax(long id, String name, BigDecimal rate, Instant createdAt, Instant updatedAt) {
    }

    /** A billable item; {@code itemType} ∈ Service | Product | Other; {@code taxId} null when untaxed. */
    public record BillableItem(long id, String name, String itemCode, String itemType, BigDecimal price, Long taxId,
                               Instant archivedAt, Instant createdAt, Instant updatedAt) {
    }

    /** A product; prices 2-decimal, {@code stockLevel} 1-decimal; {@code taxId} null when untaxed. */
    public record Product(long id, String name, String itemCode, String serialNumber, BigDecimal priceExTax,
                          BigDecimal priceIncludingTax, BigDecimal costPrice, BigDecimal stockLevel, String notes,
                          Long taxId, Instant archivedAt, Instant createdAt, Instant updatedAt) {
    }

    /**
     * An invoice line. {@code netPrice = quantity × unitPrice − discountedAmount} (tax exclusive);
     * {@code totalIncludingTax = netPrice × (1 + taxRate/100)}. Exactly one of {@code billableItemId} and
     * {@code productId} is set. Per invoice the net prices sum to {@link Invoice#netAmount()}.
     */
    public record InvoiceItem(long id, long invoiceId, String name, String code, BigDecimal quantity,
                              BigDecimal unitPrice, BigDecimal netPrice, BigDecimal discountPercentage,
                              BigDecimal discountedAmount, boolean isMonetaryDiscount, String taxName,
                              BigDecimal taxRate, BigDecimal totalIncludingTax, Long billableItemId, Long productId,
                              Instant archivedAt, Instant createdAt, Instant updatedAt) {
    }

    /**
     * A treatment note. {@code bookingId} is the individual appointment id (link {@code /bookings/{id}}) or null for
     * a note written outside an appointment. {@code content} may be null (some drafts); {@code finalizedAt} is null
     * for drafts.
     */
    public record TreatmentNote(long id, long patientId, long practitionerId, Long bookingId, String title,
                                boolean draft, Instant finalizedAt, String authorName, NoteContent content,
                                Instant archivedAt, Instant createdAt, Instant updatedAt) {
    }

    /** Treatment note content: sections of questions. */
    public record NoteContent(List<NoteSection> sections) {
        /** Copies the list. */
        public NoteContent {
            sections = List.copyOf(sections);
        }
    }

    /** A treatment note section. */
    public record NoteSection(String name, String description, List<NoteQuestion> questions) {
        /** Copies the list. */
        public NoteSection {
            questions = List.copyOf(questions);
        }
    }

    /**
     * A treatment note question. {@code type} ∈ text | paragraph | date | checkboxes | radiobuttons. text/paragraph/date
     * use {@code answer} (paragraph = HTML, date = {@code YYYY-MM-DD}); checkboxes/radiobuttons use {@code answers}
     * and {@code other*} (null otherwise).
     */
    public record NoteQuestion(String name, String type, String answer, List<NoteAnswer> answers,
                               Boolean otherEnabled, Boolean otherSelected, String otherValue) {
        /** Copies the list. */
        public NoteQuestion {
            answers = List.copyOf(answers);
        }
    }

    /** One choice of a checkboxes/radiobuttons treatment-note question. */
    public record NoteAnswer(String value, boolean selected) {
    }

    // ------------------------------------------------------------------ helpers for tests

    /** Maps cancellation reason code → description (DIGEST §5). */
    public static String cancellationReasonDescription(int code) {
        return switch (code) {
            case 10 -> "Feeling Better";
            case 20 -> "Condition Worse";
            case 30 -> "Sick";
            case 31 -> "COVID-19 related";
            case 40 -> "Away";
            case 50 -> "Other";
            case 60 -> "Work";
            default -> throw new IllegalArgumentException("cancellation reason " + code);
        };
    }

    /** Patient by id, if any (linear scan; build a map for bulk use). */
    public Optional<Patient> patient(long id) {
        return patients.stream().filter(p -> p.id() == id).findFirst();
    }

    /** Practitioner by id, if any. */
    public Optional<Practitioner> practitioner(long id) {
        return practitioners.stream().filter(p -> p.id() == id).findFirst();
    }

    /** User by id, if any. */
    public Optional<User> user(long id) {
        return users.stream().filter(u -> u.id() == id).findFirst();
    }

    /** Business by id, if any. */
    public Optional<Business> business(long id) {
        return businesses.stream().filter(b -> b.id() == id).findFirst();
    }

    /** Appointment type by id, if any. */
    public Optional<AppointmentType> appointmentType(long id) {
        return appointmentTypes.stream().filter(t -> t.id() == id).findFirst();
    }

    /** Patients not archived (what {@code GET /patients} returns without filters). */
    public List<Patient> activePatients() {
        return patients.stream().filter(p -> !p.isArchived()).toList();
    }

    /** Archived patients, including merged-away ones. */
    public List<Patient> archivedPatients() {
        return patients.stream().filter(Patient::isArchived).toList();
    }

    /** Merged-away patients (archived, with merged_at and merged_with_patient). */
    public List<Patient> mergedPatients() {
        return patients.stream().filter(Patient::isMerged).toList();
    }

    /**
     * Follows the merged_with_patient chain from a patient id to the surviving (not merged-away) patient id.
     * Returns the id itself when the patient was not merged.
     */
    public long survivorId(long patientId) {
        Map<Long, Patient> byId = patientIndex();
        long current = patientId;
        for (int guard = 0; guard < 100; guard++) {
            Patient p = byId.get(current);
            if (p == null || p.mergedWithPatientId() == null) {
                return current;
            }
            current = p.mergedWithPatientId();
        }
        throw new IllegalStateException("merge chain too long");
    }

    /**
     * Non-merged patients sharing an email case-insensitively (families), keyed by lower-cased email,
     * in order of first appearance. Only groups of 2+ patients.
     */
    public Map<String, List<Patient>> sharedEmailGroups() {
        Map<String, List<Patient>> groups = new LinkedHashMap<>();
        for (Patient p : patients) {
            if (p.email() != null && !p.isMerged()) {
                groups.computeIfAbsent(p.email().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p);
            }
        }
        groups.values().removeIf(l -> l.size() < 2);
        return groups;
    }

    /** Appointments that are not cancelled (what {@code GET /individual_appointments} returns without filters). */
    public List<IndividualAppointment> activeAppointments() {
        return individualAppointments.stream().filter(a -> !a.isCancelled() && a.archivedAt() == null).toList();
    }

    /** Cancelled appointments. */
    public List<IndividualAppointment> cancelledAppointments() {
        return individualAppointments.stream().filter(IndividualAppointment::isCancelled).toList();
    }

    /** Appointments with did_not_arrive = true. */
    public List<IndividualAppointment> didNotArriveAppointments() {
        return individualAppointments.stream().filter(a -> Boolean.TRUE.equals(a.didNotArrive())).toList();
    }

    /** Appointments starting after {@link #now()} (cancelled or not). */
    public List<IndividualAppointment> futureAppointments() {
        return individualAppointments.stream().filter(a -> a.isFuture(now)).toList();
    }

    /** Appointments of one patient. */
    public List<IndividualAppointment> appointmentsOf(long patientId) {
        return individualAppointments.stream().filter(a -> a.patientId() == patientId).toList();
    }

    /** Invoices of one patient. */
    public List<Invoice> invoicesOf(long patientId) {
        return invoices.stream().filter(i -> i.patientId() == patientId).toList();
    }

    /** Invoice count by status code (10, 20, 30, 40). */
    public Map<Integer, Long> invoiceCountByStatus() {
        return invoices.stream().collect(Collectors.groupingBy(Invoice::status, java.util.TreeMap::new,
                Collectors.counting()));
    }

    /** Contact by id, if any. */
    public Optional<Contact> contact(long id) {
        return contacts.stream().filter(c -> c.id() == id).findFirst();
    }

    /** The referring doctor contact of a patient, if any. */
    public Optional<Contact> referringDoctor(long patientId) {
        Long id = referringDoctorByPatient.get(patientId);
        return id == null ? Optional.empty() : contact(id);
    }

    /** The referral source of a patient, if any. */
    public Optional<ReferralSource> referralSourceOf(long patientId) {
        return referralSources.stream().filter(r -> r.patientId() == patientId).findFirst();
    }

    /** Referral source type by id, if any. */
    public Optional<ReferralSourceType> referralSourceType(long id) {
        return referralSourceTypes.stream().filter(t -> t.id() == id).findFirst();
    }

    /** Medical alert records of one patient (archived ones included), in order. */
    public List<MedicalAlert> medicalAlertsOf(long patientId) {
        return medicalAlerts.stream().filter(a -> a.patientId() == patientId).toList();
    }

    /** A patient's custom field answers ({@code custom_fields}), or null when the patient has none. */
    public List<CustomFieldSection> customFieldsOf(long patientId) {
        return customFieldsByPatient.get(patientId);
    }

    /** Invoice items of one invoice, in order. */
    public List<InvoiceItem> invoiceItemsOf(long invoiceId) {
        return invoiceItems.stream().filter(i -> i.invoiceId() == invoiceId).toList();
    }

    /** Treatment notes of one patient (archived and drafts included), in order. */
    public List<TreatmentNote> treatmentNotesOf(long patientId) {
        return treatmentNotes.stream().filter(t -> t.patientId() == patientId).toList();
    }

    /** Merged-away patients whose survivor ({@code merged_with_patient}) is itself merged-away. */
    public List<Patient> mergeChainStarts() {
        Map<Long, Patient> byId = patientIndex();
        return patients.stream().filter(p -> p.mergedWithPatientId() != null)
                .filter(p -> {
                    Patient survivor = byId.get(p.mergedWithPatientId());
                    return survivor != null && survivor.isMerged();
                }).toList();
    }

    /** Practitioner's email via its user. */
    public String practitionerEmail(Practitioner practitioner) {
        return user(practitioner.userId()).map(User::email).orElse(null);
    }

    /** Patients by id (fresh map). */
    public Map<Long, Patient> patientIndex() {
        return index(patients, Patient::id);
    }

    private static <T> Map<Long, T> index(List<T> items, Function<T, Long> id) {
        Map<Long, T> map = new HashMap<>(items.size() * 2);
        for (T t : items) {
            map.put(id.apply(t), t);
        }
        return map;
    }
}
