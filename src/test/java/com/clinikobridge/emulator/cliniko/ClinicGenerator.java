package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.AppointmentType;
import com.clinikobridge.emulator.cliniko.Clinic.Business;
import com.clinikobridge.emulator.cliniko.Clinic.GroupAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.PhoneNumber;
import com.clinikobridge.emulator.cliniko.Clinic.Practitioner;
import com.clinikobridge.emulator.cliniko.Clinic.UnavailableBlock;
import com.clinikobridge.emulator.cliniko.Clinic.User;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.random.RandomGenerator;

/**
 * Deterministic generator of an invented Cliniko clinic (no real people: random combinations of common names,
 * {@code example.com}/{@code example.org} emails, made-up AU phone numbers and addresses).
 *
 * <p>Mix (approximate): 2 businesses; 6 practitioners (1 inactive, 1 whose email
 * {@link #UNMATCHED_PRACTITIONER_EMAIL} has no HubSpot owner) + 1 administrator user; 4 appointment types (the 4th
 * is a group class used only by group appointments); per patient ~3 appointments and ~2 invoices; ~3% archived
 * patients, ~1% merged-away patients (archived, one merge chain possible), ~5% patients sharing an email
 * case-insensitively (families), ~1.5% legacy 7-digit ids; appointments ~10% cancelled, ~5% did-not-arrive,
 * ~10% after {@link #NOW}. Same seed and count give the same clinic.
 */
public final class ClinicGenerator {

    /** The fixed "current time" of generated clinics. */
    public static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");
    /** Time zone of both businesses and all patients. */
    public static final ZoneId CLINIC_ZONE = ZoneId.of("Australia/Melbourne");
    /** Email of the practitioner (a locum) that deliberately has no matching HubSpot owner. */
    public static final String UNMATCHED_PRACTITIONER_EMAIL = "locum.practitioner@example.org";

    /** Patients are created between these instants. */
    static final Instant FIRST_PATIENT = Instant.parse("2015-01-05T00:00:00Z");
    static final Instant LAST_PATIENT = Instant.parse("2026-11-01T00:00:00Z");

    private static final long BUSINESS_BASE = 836_447_129_235_883_000L;
    private static final long USER_BASE = 1_120_000_000_000_000_000L;
    private static final long PRACTITIONER_BASE = 1_150_000_000_000_000_000L;
    private static final long APPOINTMENT_TYPE_BASE = 1_180_000_000_000_000_000L;
    private static final long PATIENT_BASE = 1_700_000_000_000_000_000L;
    private static final long LEGACY_PATIENT_BASE = 2_311_458L;
    private static final long BOOKING_BASE = 1_800_000_000_000_000_000L;
    private static final long INVOICE_BASE = 1_900_000_000_000_000_000L;

    private ClinicGenerator() {
    }

    /**
     * Generates a clinic.
     *
     * @param seed         random seed (same seed + count ⇒ identical clinic)
     * @param patientCount number of patients (incl. archived/merged), ≥ 1; 50,000 takes about a second
     */
    public static Clinic generate(long seed, int patientCount) {
        return generate(seed, patientCount, false);
    }

    /**
     * Generates a clinic, optionally guaranteeing merge edge cases.
     *
     * <p>With {@code guaranteeMergeCases = false} this is exactly {@link #generate(long, int)}. With {@code true}
     * (a different clinic than the plain one for the same seed) and {@code patientCount >= 30}: at least one merge
     * chain of 2 (a merged-away patient whose survivor is itself merged-away, see {@link Clinic#mergeChainStarts()})
     * and every merged-away patient has at least 2 past appointments, the first attended with a final treatment
     * note and an invoice.
     *
     * <p>Contacts, referral sources, medical alert records, custom fields, the catalogue, invoice items and
     * treatment notes are drawn from a separate random stream after the rest, so adding them did not change the
     * other lists.
     *
     * @param seed                random seed (same arguments ⇒ identical clinic)
     * @param patientCount        number of patients (incl. archived/merged), ≥ 1
     * @param guaranteeMergeCases whether to force the merge chain and merged patients' history
     */
    public static Clinic generate(long seed, int patientCount, boolean guaranteeMergeCases) {
        if (patientCount < 1) {
            throw new IllegalArgumentException("patientCount must be >= 1");
        }
        Clinic base = new Gen(seed, patientCount, guaranteeMergeCases).run();
        return ClinicExtrasGenerator.extend(base, seed);
    }

    /**
     * Emails a HubSpot portal should have as owners for this clinic: every practitioner user's email except
     * {@link #UNMATCHED_PRACTITIONER_EMAIL} (includes the inactive practitioner), in practitioner order.
     */
    public static List<String> hubSpotOwnerEmails(Clinic clinic) {
        return clinic.practitioners().stream()
                .map(clinic::practitionerEmail)
                .filter(e -> !UNMATCHED_PRACTITIONER_EMAIL.equalsIgnoreCase(e))
                .toList();
    }

    // ============================================================================ implementation

    private static final String[] FEMALE = {"Olivia", "Charlotte", "Amelia", "Isla", "Mia", "Ava", "Grace", "Chloe",
            "Sophie", "Zoe", "Ruby", "Harper", "Evie", "Lucy", "Hannah", "Emily", "Sarah", "Jessica", "Rebecca",
            "Laura", "Megan", "Natalie", "Priya", "Mei", "Aisha", "Elena", "Fatima", "Hana", "Ngaio", "Siobhan",
            "Margaret", "Helen", "Christine", "Deborah", "Karen", "Elizabeth", "Katherine", "Victoria", "Josephine",
            "Annabelle"};
    private static final String[] MALE = {"Oliver", "Noah", "Jack", "William", "Leo", "Lucas", "Thomas", "Henry",
            "James", "Ethan", "Samuel", "Liam", "Benjamin", "Daniel", "Matthew", "Joshua", "Ryan", "Nathan",
            "Michael", "David", "Andrew", "Peter", "Raj", "Wei", "Omar", "Mateo", "Tariq", "Hamish", "Callum",
            "Declan", "Robert", "Stephen", "Graham", "Kevin", "Alexander", "Christopher", "Nicholas", "Jonathan",
            "Frederick", "Maximilian"};
    private static final String[] UNISEX = {"Alex", "Sam", "Jordan", "Charlie", "Riley", "Jamie", "Taylor", "Casey"};
    private static final String[] LAST = {"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson",
            "White", "Martin", "Anderson", "Thompson", "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan",
            "Robinson", "Kelly", "King", "Davis", "Wright", "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson",
            "Clarke", "Patel", "Khan", "Tran", "Chen", "Wang", "Singh", "Murphy", "O'Brien", "O'Connor", "Mitchell",
            "Campbell", "Young", "Hughes", "Edwards", "Turner", "Scott", "Stewart", "Morris", "Cooper", "Ward",
            "Bennett", "Papadopoulos", "Rossi", "Kowalski", "MacDonald", "Fraser", "Van der Berg", "Lloyd-Jones",
            "Fitzgerald", "Reid", "Baker"};
    private static final String[] STREETS = {"Example", "Sample", "Wattle", "Banksia", "Acacia", "Bluegum",
            "Ironbark", "Kookaburra", "Lyrebird", "Currawong", "Waratah", "Boronia", "Grevillea", "Paperbark",
            "Magpie", "Rosella"};
    private static final String[] STREET_TYPES = {"Street", "Road", "Avenue", "Crescent", "Court", "Lane", "Parade",
            "Grove"};
    private static final String[][] SUBURBS = {{"Carlton", "3053"}, {"Fitzroy", "3065"}, {"Richmond", "3121"},
            {"Brunswick", "3056"}, {"Northcote", "3070"}, {"Collingwood", "3066"}, {"Hawthorn", "3122"},
            {"Kew", "3101"}, {"Coburg", "3058"}, {"Preston", "3072"}, {"Abbotsford", "3067"}, {"Parkville", "3052"},
            {"Melbourne", "3000"}, {"Southbank", "3006"}, {"Footscray", "3011"}, {"Thornbury", "3071"}};
    private static final String[] OCCUPATIONS = {"Teacher", "Nurse", "Software Developer", "Accountant",
            "Electrician", "Student", "Retired", "Chef", "Barista", "Carpenter", "Graphic Designer", "Lawyer",
            "Plumber", "Engineer", "Pharmacist", "Office Manager", "Musician", "Courier"};
    private static final String[] GENDER_IDENTITIES = {"Woman", "Man", "Non-binary", "Prefer not to say"};
    private static final String[] TITLES_F = {"Ms", "Mrs", "Miss", "Dr"};
    private static final String[] TITLES_M = {"Mr", "Dr"};
    private static final String[] NOTES = {
            "Prefers morning appointments.",
            "Line one\nLine two, with comma",
            "Referred by a friend.\nPrefers female practitioner, if available.",
            "Says \"call before 5pm\", thanks",
            "Parking: use rear entrance; gate code changes monthly.",
            "Works night shifts, text only."};
    private static final String[] ALERTS = {"Penicillin allergy", "Latex allergy", "Pacemaker", "Pregnant",
            "Asthma", "Type 2 diabetes", "Osteoporosis"};
    private static final String[] APPOINTMENT_NOTES = {"Follow-up: lower back", "Bring MRI report",
            "Post-op knee rehab, week 6", "Shoulder, left side", "Running assessment"};
    private static final String[] CANCELLATION_NOTES = {"Rescheduled by phone", "Called in sick", "Travelling",
            "Work commitment, will rebook"};
    private static final String[] INVOICE_NOTES = {"Please pay within 14 days.",
            "Please pay within 14 days.\nBank transfer: BSB 000-000, account 12345678, reference = invoice number",
            "Thank you, see you next time!"};
    private static final String[] EXTRA_PATIENT_INFO = {"Claim number: ABC123\n",
            "Health fund: Example Health, member 1234567", "Employer: Example Pty Ltd, claim WC-0042"};
    private static final int[] CANCEL_CODES = {10, 20, 30, 31, 40, 50, 60};
    private static final double[] CANCEL_WEIGHTS = {0.15, 0.05, 0.25, 0.05, 0.15, 0.25, 0.10};

    /** Mutable patient draft (shared with {@link ClinicStream}). */
    static final class PatientDraft {
        long id;
        String title;
        String firstName;
        String lastName;
        String preferredFirstName;
        String email;
        LocalDate dateOfBirth;
        String sex;
        String genderIdentity;
        String occupation;
        String emergencyContact;
        String address1;
        String address2;
        String city;
        String state;
        String postCode;
        List<PhoneNumber> phones = new ArrayList<>();
        String notes;
        List<String> alerts = new ArrayList<>();
        String reminderType;
        Boolean acceptedPrivacyPolicy;
        Boolean acceptedEmailMarketing;
        Instant archivedAt;
        Instant mergedAt;
        Long mergedWith;
        Instant createdAt;
        Instant updatedAt;
        int practitionerIndex;
        boolean familyMember;
        boolean familyHead;

        Patient build() {
            return new Patient(id, title, firstName, lastName, preferredFirstName, email, dateOfBirth, sex,
                    genderIdentity, occupation, emergencyContact, address1, address2, null, city, state, postCode,
                    "Australia", CLINIC_ZONE.getId(), phones, notes, alerts, reminderType, acceptedPrivacyPolicy,
                    acceptedEmailMarketing, archivedAt, mergedAt, mergedWith, createdAt, updatedAt);
        }
    }

    /** Mutable booking draft (individual appointment, unavailable block or group appointment). */
    static final class BookingDraft {
        final int kind; // 0 individual, 1 unavailable, 2 group
        long id;
        int patientIndex = -1;
        int practitionerIndex;
        int businessIndex;
        int typeIndex;
        Instant startsAt;
        Instant endsAt;
        String notes;
        Boolean arrived;
        Boolean dna;
        Instant cancelledAt;
        Integer reason;
        String cancellationNote;
        Integer treatmentNoteStatus;
        boolean online;
        boolean forceInvoice;
        Instant createdAt;
        Instant updatedAt;
        List<Integer> groupPatients = List.of();

        BookingDraft(int kind) {
            this.kind = kind;
        }

        /** The individual appointment (kind 0) this draft describes. */
        IndividualAppointment toAppointment(long patientId, long practitionerId, long businessId, long typeId) {
            return new IndividualAppointment(id, patientId, practitionerId, businessId, typeId, startsAt, endsAt,
                    notes, arrived, dna, cancelledAt, reason,
                    reason == null ? null : Clinic.cancellationReasonDescription(reason), cancellationNote,
                    treatmentNoteStatus, online, null, createdAt, updatedAt);
        }
    }

    /** Mutable invoice draft. */
    static final class InvoiceDraft {
        long id;
        int number;
        LocalDate issueDate;
        int status;
        int patientIndex;
        int practitionerIndex;
        int businessIndex;
        BookingDraft appointment;
        BigDecimal net;
        BigDecimal tax;
        String notes;
        String extra;
        Instant closedAt;
        Instant createdAt;
        Instant updatedAt;

        /** The invoice; payments, balance and other allocations follow from the status. */
        Invoice build(long patientId, long practitionerId, long businessId) {
            BigDecimal zero = new BigDecimal("0.00");
            BigDecimal total = net.add(tax);
            BigDecimal paid;
            BigDecimal outstanding;
            BigDecimal other = zero;
            switch (status) {
                case 20 -> {
                    paid = total;
                    outstanding = zero;
                }
                case 30 -> {
                    paid = zero;
                    outstanding = zero;
                    other = total;
                }
                case 40 -> {
                    paid = total.add(new BigDecimal("20.00"));
                    outstanding = new BigDecimal("-20.00");
                }
                default -> {
                    paid = zero;
                    outstanding = total;
                }
            }
            return new Invoice(id, number, issueDate, status, patientId, practitionerId, businessId,
                    appointment == null ? null : appointment.id, net, tax, total, paid, outstanding, zero, other,
                    notes, extra, closedAt, null, createdAt, updatedAt);
        }
    }

    private record PractitionerSpec(String first, String last, String designation, int business, String email,
                                    Instant start, Instant end) {
    }

    private static final Instant ACCOUNT_START = Instant.parse("2014-11-03T22:15:00Z");

    /** The two businesses (fixed). */
    private static final List<Business> BUSINESSES = List.of(
            new Business(BUSINESS_BASE + 61, "Example Physio - Carlton", "Example Physio Carlton",
                    "12 Example Street", "Carlton", "VIC", "3053", CLINIC_ZONE.getId(), ACCOUNT_START,
                    Instant.parse("2024-03-01T01:00:00Z")),
            new Business(BUSINESS_BASE + 178, "Example Physio - Richmond", "Example Physio Richmond",
                    "400 Sample Road", "Richmond", "VIC", "3121", CLINIC_ZONE.getId(),
                    ACCOUNT_START.plus(Duration.ofDays(3)), Instant.parse("2025-07-14T04:30:00Z")));

    /** Practitioners in order, with the business they mostly work at and when they worked (end null = active). */
    private static final List<PractitionerSpec> SPECS = List.of(
            new PractitionerSpec("Amelia", "Hartwell", "Physiotherapist", 0, "amelia.hartwell@example.com",
                    Instant.parse("2015-01-01T00:00:00Z"), null),
            new PractitionerSpec("Benjamin", "Okafor", "Physiotherapist", 0, "benjamin.okafor@example.com",
                    Instant.parse("2015-01-01T00:00:00Z"), null),
            new PractitionerSpec("Chloe", "Tranter", "Osteopath", 1, "chloe.tranter@example.com",
                    Instant.parse("2016-03-01T00:00:00Z"), null),
            new PractitionerSpec("Daniel", "Kowalczyk", "Myotherapist", 1, "daniel.kowalczyk@example.com",
                    Instant.parse("2019-02-01T00:00:00Z"), null),
            new PractitionerSpec("Emma", "Fitzwilliam", "Physiotherapist", 0,
                    "emma.fitzwilliam@example.com", Instant.parse("2015-01-01T00:00:00Z"),
                    Instant.parse("2023-06-30T00:00:00Z")),
            new PractitionerSpec("Farid", "Haddadi", "Physiotherapist", 1, UNMATCHED_PRACTITIONER_EMAIL,
                    Instant.parse("2024-02-01T00:00:00Z"), null));

    /** Appointment types; the 4th is the group class. */
    private static final List<AppointmentType> TYPES = appointmentTypes(ACCOUNT_START.plus(Duration.ofHours(2)));
    private static final BigDecimal[] TYPE_PRICE = {new BigDecimal("120.00"), new BigDecimal("95.00"),
            new BigDecimal("100.00"), new BigDecimal("35.00")};
    private static final boolean[] TYPE_GST = {false, false, true, false};

    private static List<AppointmentType> appointmentTypes(Instant tt) {
        return List.of(new AppointmentType(APPOINTMENT_TYPE_BASE + 101, "Initial Consultation", "Physiotherapy", 45,
                        1, "#2e86de", tt, tt),
                new AppointmentType(APPOINTMENT_TYPE_BASE + 202, "Standard Consultation", "Physiotherapy", 30,
                        1, "#10ac84", tt.plusSeconds(60), tt.plusSeconds(60)),
                new AppointmentType(APPOINTMENT_TYPE_BASE + 303, "Remedial Massage (60 min)", "Massage", 60, 1,
                        "#ee5253", tt.plusSeconds(120), Instant.parse("2023-02-01T00:00:00Z")),
                new AppointmentType(APPOINTMENT_TYPE_BASE + 404, "Clinical Pilates Class", "Group Classes", 60,
                        8, "#f368e0", tt.plusSeconds(180), tt.plusSeconds(180)));
    }

    // ============================================================================ draws shared with ClinicStream

    /**
     * Proportions of one patient's appointments: share after {@link #NOW} (non-archived patients only) and how many
     * days ahead they reach; cumulative probabilities of an attended appointment's note being final / draft.
     */
    record BookingMix(double futureRate, int futureDays, double finalNote, double draftNote) {
        /** What {@link #generate} uses. */
        static final BookingMix DEFAULT = new BookingMix(0.105, 120, 0.85, 0.95);
    }

    private static boolean practitionerAvailable(int p, Instant t) {
        PractitionerSpec s = SPECS.get(p);
        return !t.isBefore(s.start()) && (s.end() == null || t.isBefore(s.end()));
    }

    /** Index of the practitioner seeing a patient at {@code t}: mostly {@code preferred}, if working then. */
    private static int practitionerAt(RandomGenerator rnd, int preferred, Instant t) {
        if (practitionerAvailable(preferred, t) && rnd.nextDouble() < 0.8) {
            return preferred;
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            int p = rnd.nextInt(SPECS.size());
            if (practitionerAvailable(p, t)) {
                return p;
            }
        }
        return 0; // always available
    }

    /**
     * Draws {@code count} individual appointments of patient {@code pi} (fewer when its past window is empty),
     * sorted by start: past ones between creation + 1 day and archiving or yesterday, future ones (non-archived
     * patients) up to {@code mix.futureDays()} ahead; ~10% cancelled, ~5.5% of past ones did not arrive, the rest of
     * past ones arrived. {@code forceFirstArrived}: the first past one is arrived, noted and invoiced. Ids unset.
     */
    static List<BookingDraft> bookingsOf(RandomGenerator rnd, BookingMix mix, int pi, PatientDraft p, int count,
                                         boolean forceFirstArrived) {
        Instant pastEnd = NOW.minus(Duration.ofDays(1));
        Instant end = p.archivedAt != null ? p.archivedAt : pastEnd;
        if (end.isAfter(pastEnd)) {
            end = pastEnd;
        }
        Instant start = p.createdAt.plus(Duration.ofDays(1));
        List<BookingDraft> mine = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            boolean future = p.archivedAt == null && rnd.nextDouble() < mix.futureRate();
            LocalDate date;
            if (future) {
                date = randomDate(rnd, NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(mix.futureDays())));
            } else {
                if (!start.isBefore(end)) {
                    continue;
                }
                date = randomDate(rnd, start, end);
            }
            BookingDraft b = new BookingDraft(0);
            b.patientIndex = pi;
            b.startsAt = slot(rnd, date, 8, 18);
            b.practitionerIndex = practitionerAt(rnd, p.practitionerIndex, b.startsAt);
            b.businessIndex = rnd.nextDouble() < 0.85 ? SPECS.get(b.practitionerIndex).business()
                    : rnd.nextInt(BUSINESSES.size());
            mine.add(b);
        }
        mine.sort(Comparator.comparing(b -> b.startsAt));
        for (int k = 0; k < mine.size(); k++) {
            BookingDraft b = mine.get(k);
            double t = rnd.nextDouble();
            b.typeIndex = k == 0 ? 0 : t < 0.75 ? 1 : t < 0.9 ? 2 : 0;
            b.endsAt = b.startsAt.plus(Duration.ofMinutes(TYPES.get(b.typeIndex).durationInMinutes()));
            Instant booked = b.startsAt.minus(Duration.ofHours(1 + rnd.nextInt(24 * 30)));
            b.createdAt = booked.isBefore(p.createdAt) ? p.createdAt.plusSeconds(60 + rnd.nextInt(600))
                    : booked;
            if (b.createdAt.isAfter(NOW)) {
                b.createdAt = NOW.minusSeconds(3_600 + rnd.nextInt(86_400));
            }
            b.online = rnd.nextDouble() < 0.2;
            if (rnd.nextDouble() < 0.1) {
                b.notes = pick(rnd, APPOINTMENT_NOTES);
            }
            boolean future = b.startsAt.isAfter(NOW);
            boolean forceArrived = forceFirstArrived && k == 0 && !future;
            b.forceInvoice = forceArrived;
            double status = forceArrived ? 0.5 : rnd.nextDouble();
            b.arrived = false;
            b.dna = false;
            if (status < 0.10) {
                Instant cancel = b.startsAt.minus(Duration.ofMinutes(30 + rnd.nextInt(3 * 24 * 60)));
                if (cancel.isBefore(b.createdAt)) {
                    cancel = b.createdAt.plusSeconds(60);
                }
                if (cancel.isAfter(NOW)) {
                    long window = Math.max(120, NOW.getEpochSecond() - b.createdAt.getEpochSecond());
                    cancel = b.createdAt.plusSeconds(60 + rnd.nextLong(window - 60));
                }
                b.cancelledAt = cancel;
                b.reason = weightedCancelCode(rnd);
                if (rnd.nextDouble() < 0.3) {
                    b.cancellationNote = pick(rnd, CANCELLATION_NOTES);
                }
                b.updatedAt = cancel;
            } else if (!future && status < 0.155) {
                b.dna = true;
                b.updatedAt = b.endsAt.plusSeconds(rnd.nextInt(7_200));
            } else if (!future) {
                b.arrived = true;
                double note = forceArrived ? 0.0 : rnd.nextDouble();
                b.treatmentNoteStatus = note < mix.finalNote() ? Integer.valueOf(90)
                        : note < mix.draftNote() ? 10 : null;
                b.updatedAt = b.endsAt.plusSeconds(rnd.nextInt(7_200));
            } else {
                b.updatedAt = b.createdAt.plusSeconds(rnd.nextInt(600));
            }
            if (b.updatedAt.isAfter(NOW)) {
                b.updatedAt = NOW.minusSeconds(60);
            }
            if (b.updatedAt.isBefore(b.createdAt)) {
                b.updatedAt = b.createdAt;
            }
        }
        return mine;
    }

    private static int weightedCancelCode(RandomGenerator rnd) {
        double r = rnd.nextDouble();
        double acc = 0;
        for (int i = 0; i < CANCEL_CODES.length; i++) {
            acc += CANCEL_WEIGHTS[i];
            if (r < acc) {
                return CANCEL_CODES[i];
            }
        }
        return 50;
    }

    /** Archives {@code p} between an hour after its creation and a day before {@link #NOW}. */
    static void archive(RandomGenerator rnd, PatientDraft p) {
        long window = Math.max(3_600, NOW.getEpochSecond() - p.createdAt.getEpochSecond() - 86_400);
        p.archivedAt = p.createdAt.plusSeconds(3_600 + rnd.nextLong(window));
    }

    /** Draws {@code p.updatedAt}: soon after archiving, else soon after creation (30%) or any time until now. */
    static void touch(RandomGenerator rnd, PatientDraft p) {
        Instant last = p.archivedAt != null ? p.archivedAt : p.createdAt;
        long slack = Math.max(60, NOW.getEpochSecond() - last.getEpochSecond() - 60);
        p.updatedAt = p.archivedAt != null ? p.archivedAt.plusSeconds(rnd.nextInt(60))
                : last.plusSeconds(rnd.nextDouble() < 0.3 ? rnd.nextInt(600) : rnd.nextLong(slack));
    }

    /**
     * Draws a new patient's personal details into {@code p} (createdAt must be set; ~92% get an email made by
     * {@code email.apply(local, domain)}) and the practitioner they mostly see.
     */
    static void freshPatient(RandomGenerator rnd, PatientDraft p, BinaryOperator<String> email) {
        double s = rnd.nextDouble();
        p.sex = s < 0.5 ? "Female" : s < 0.95 ? "Male" : null;
        String[] names = p.sex == null ? UNISEX : p.sex.equals("Female") ? FEMALE : MALE;
        p.firstName = pick(rnd, names);
        p.lastName = pick(rnd, LAST);
        if (rnd.nextDouble() < 0.3 && p.sex != null) {
            p.title = pick(rnd, p.sex.equals("Female") ? TITLES_F : TITLES_M);
        }
        if (rnd.nextDouble() < 0.10) {
            p.preferredFirstName = p.firstName.length() > 4 ? p.firstName.substring(0, 3) : p.firstName + "y";
        }
        if (rnd.nextDouble() < 0.97) {
            p.dateOfBirth = LocalDate.of(1940, 1, 1).plusDays(rnd.nextInt(29_000));
        }
        if (rnd.nextDouble() < 0.92) {
            p.email = email.apply(emailLocal(p.firstName) + "." + emailLocal(p.lastName),
                    rnd.nextDouble() < 0.7 ? "example.com" : "example.org");
        }
        if (rnd.nextDouble() < 0.05) {
            p.genderIdentity = pick(rnd, GENDER_IDENTITIES);
        }
        if (rnd.nextDouble() < 0.4) {
            p.occupation = pick(rnd, OCCUPATIONS);
        }
        if (rnd.nextDouble() < 0.3) {
            p.emergencyContact = pick(rnd, FEMALE) + " " + p.lastName + " (partner) " + mobile(rnd)[0];
        }
        if (rnd.nextDouble() < 0.9) {
            String[] sub = SUBURBS[rnd.nextInt(SUBURBS.length)];
            p.address1 = (1 + rnd.nextInt(300)) + " " + pick(rnd, STREETS) + " " + pick(rnd, STREET_TYPES);
            if (rnd.nextDouble() < 0.1) {
                p.address2 = "Unit " + (1 + rnd.nextInt(20));
            }
            p.city = sub[0];
            p.postCode = sub[1];
            p.state = "Victoria";
        }
        if (rnd.nextDouble() < 0.9) {
            String[] m = mobile(rnd);
            p.phones.add(new PhoneNumber("Mobile", m[0], m[1]));
            if (rnd.nextDouble() < 0.05) {
                String[] m2 = mobile(rnd);
                p.phones.add(new PhoneNumber("Mobile", m2[0], m2[1]));
            }
        }
        if (rnd.nextDouble() < 0.2) {
            String digits = "9" + digits(rnd, 7);
            p.phones.add(new PhoneNumber("Home", "(03) " + digits.substring(0, 4) + " " + digits.substring(4),
                    "613" + digits));
        }
        if (rnd.nextDouble() < 0.1) {
            String digits = "8" + digits(rnd, 7);
            p.phones.add(new PhoneNumber("Work", "03 " + digits.substring(0, 4) + " " + digits.substring(4),
                    "613" + digits));
        }
        if (rnd.nextDouble() < 0.06) {
            p.notes = pick(rnd, NOTES);
        }
        if (rnd.nextDouble() < 0.06) {
            p.alerts.add(pick(rnd, ALERTS));
            if (rnd.nextDouble() < 0.3) {
                String second = pick(rnd, ALERTS);
                if (!p.alerts.contains(second)) {
                    p.alerts.add(second);
                }
            }
        }
        double r = rnd.nextDouble();
        p.reminderType = r < 0.7 ? "SMS & Email" : r < 0.85 ? "SMS" : r < 0.95 ? "Email" : "None";
        p.acceptedPrivacyPolicy = rnd.nextDouble() < 0.6 ? Boolean.TRUE : null;
        p.acceptedEmailMarketing = rnd.nextDouble() < 0.4;
        p.practitionerIndex = practitionerAt(rnd, rnd.nextInt(SPECS.size()), p.createdAt);
    }

    private static String emailLocal(String name) {
        return name.toLowerCase(Locale.ROOT).replace("'", "").replace(" ", "");
    }

    /** An invented AU mobile number: {as typed, normalized}. */
    private static String[] mobile(RandomGenerator rnd) {
        String d = "4" + digits(rnd, 8);
        String normalized = "61" + d;
        String typed = switch (rnd.nextInt(3)) {
            case 0 -> "0" + d.substring(0, 3) + " " + d.substring(3, 6) + " " + d.substring(6);
            case 1 -> "0" + d;
            default -> "+61 " + d.substring(0, 3) + " " + d.substring(3, 6) + " " + d.substring(6);
        };
        return new String[]{typed, normalized};
    }

    /** {@code count} random decimal digits. */
    private static String digits(RandomGenerator rnd, int count) {
        StringBuilder sb = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            sb.append((char) ('0' + rnd.nextInt(10)));
        }
        return sb.toString();
    }

    /** A uniformly chosen element. */
    private static String pick(RandomGenerator rnd, String[] values) {
        return values[rnd.nextInt(values.length)];
    }

    /** A quarter-hour start on {@code date} between the hours, clinic time. */
    private static Instant slot(RandomGenerator rnd, LocalDate date, int earliestHour, int latestHour) {
        int minutes = earliestHour * 60 + 15 * rnd.nextInt((latestHour - earliestHour) * 4);
        return date.atTime(LocalTime.of(minutes / 60, minutes % 60)).atZone(CLINIC_ZONE).toInstant();
    }

    /** A clinic-local date in [from, to). */
    private static LocalDate randomDate(RandomGenerator rnd, Instant from, Instant to) {
        long span = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        return from.plusSeconds(rnd.nextLong(span)).atZone(CLINIC_ZONE).toLocalDate();
    }

    /** The invoice of an appointment (issued on its day, priced by its type), drawn after the visit. Ids unset. */
    static InvoiceDraft appointmentInvoice(RandomGenerator rnd, BookingDraft b) {
        InvoiceDraft inv = new InvoiceDraft();
        inv.appointment = b;
        inv.patientIndex = b.patientIndex;
        inv.practitionerIndex = b.practitionerIndex;
        inv.businessIndex = b.businessIndex;
        inv.issueDate = b.startsAt.atZone(CLINIC_ZONE).toLocalDate();
        inv.net = TYPE_PRICE[b.typeIndex];
        inv.tax = TYPE_GST[b.typeIndex] ? tenPercent(inv.net) : BigDecimal.ZERO.setScale(2);
        inv.createdAt = b.endsAt.plusSeconds(rnd.nextInt(3 * 3_600));
        return inv;
    }

    /**
     * A product sale without appointment (22.50 or 45.00 + GST) while the patient is on the books, or null when
     * that window is empty. Ids unset.
     */
    static InvoiceDraft productSale(RandomGenerator rnd, int pi, PatientDraft p) {
        Instant end = p.archivedAt != null ? p.archivedAt : NOW.minus(Duration.ofDays(1));
        Instant start = p.createdAt.plus(Duration.ofHours(2));
        if (!start.isBefore(end)) {
            return null;
        }
        InvoiceDraft inv = new InvoiceDraft();
        inv.patientIndex = pi;
        inv.createdAt = slot(rnd, randomDate(rnd, start, end), 9, 17);
        if (inv.createdAt.isBefore(start) || inv.createdAt.isAfter(end)) {
            inv.createdAt = start;
        }
        inv.practitionerIndex = practitionerAt(rnd, p.practitionerIndex, inv.createdAt);
        inv.businessIndex = SPECS.get(inv.practitionerIndex).business();
        inv.issueDate = inv.createdAt.atZone(CLINIC_ZONE).toLocalDate();
        inv.net = rnd.nextBoolean() ? new BigDecimal("22.50") : new BigDecimal("45.00");
        inv.tax = tenPercent(inv.net);
        return inv;
    }

    /** Draws status (older than 60 days: mostly paid), closing time, notes and extra info; sets updatedAt. */
    static void settleInvoice(RandomGenerator rnd, InvoiceDraft inv) {
        LocalDate today = NOW.atZone(CLINIC_ZONE).toLocalDate();
        boolean old = inv.issueDate.isBefore(today.minusDays(60));
        double r = rnd.nextDouble();
        inv.status = old ? (r < 0.75 ? 20 : r < 0.85 ? 30 : r < 0.90 ? 40 : 10)
                : (r < 0.55 ? 20 : r < 0.90 ? 10 : r < 0.95 ? 30 : 40);
        if (inv.status == 20 || inv.status == 30) {
            Instant closed = inv.createdAt.plus(Duration.ofMinutes(rnd.nextDouble() < 0.7 ? rnd.nextInt(30)
                    : rnd.nextInt(14 * 24 * 60)));
            inv.closedAt = closed.isAfter(NOW) ? NOW.minusSeconds(60) : closed;
        }
        if (rnd.nextDouble() < 0.08) {
            inv.notes = pick(rnd, INVOICE_NOTES);
        }
        if (rnd.nextDouble() < 0.05) {
            inv.extra = pick(rnd, EXTRA_PATIENT_INFO);
        }
        inv.updatedAt = inv.closedAt != null ? inv.closedAt : inv.createdAt;
    }

    private static BigDecimal tenPercent(BigDecimal net) {
        return net.multiply(new BigDecimal("0.10")).setScale(2, RoundingMode.HALF_UP);
    }

    private static final class Gen {
        private final SplittableRandom rnd;
        private final int n;
        private final List<Business> businesses = BUSINESSES;
        private final List<User> users = new ArrayList<>();
        private final List<Practitioner> practitioners = new ArrayList<>();
        private final List<PractitionerSpec> specs = SPECS;
        private final List<AppointmentType> types = TYPES;
        private final List<PatientDraft> patients = new ArrayList<>();
        private final List<BookingDraft> bookings = new ArrayList<>();
        private final List<InvoiceDraft> invoices = new ArrayList<>();
        private final Set<String> usedEmails = new HashSet<>();
        private final boolean ensureMerges;

        Gen(long seed, int n, boolean ensureMerges) {
            this.rnd = new SplittableRandom(seed);
            this.n = n;
            this.ensureMerges = ensureMerges;
        }

        Clinic run() {
            infrastructure();
            patients();
            appointments();
            extraBookings();
            assignBookingIds();
            invoices();
            return assemble();
        }

        // ------------------------------------------------------------------ businesses, users, practitioners, types

        private void infrastructure() {
            users.add(new User(USER_BASE + 17, "Jordan", "Reception", "reception@example.com", "administrator", true,
                    ACCOUNT_START.plusSeconds(60), Instant.parse("2025-01-10T00:00:00Z")));
            for (int i = 0; i < specs.size(); i++) {
                PractitionerSpec s = specs.get(i);
                Instant created = s.start().minus(Duration.ofDays(20 + i));
                boolean active = s.end() == null;
                Instant updated = active ? created.plus(Duration.ofDays(400)) : s.end();
                long userId = USER_BASE + 1_000L * (i + 1) + 17 * i;
                users.add(new User(userId, s.first(), s.last(), s.email(), "practitioner", active, created, updated));
                practitioners.add(new Practitioner(PRACTITIONER_BASE + 2_000L * (i + 1) + 31 * i, userId, null,
                        s.first(), s.last(), s.first() + " " + s.last(), s.designation(), active,
                        created.plusSeconds(30), updated));
            }
        }

        // ------------------------------------------------------------------ patients

        private void patients() {
            long[] created = new long[n];
            long from = FIRST_PATIENT.getEpochSecond();
            long span = LAST_PATIENT.getEpochSecond() - from;
            for (int i = 0; i < n; i++) {
                created[i] = from + rnd.nextLong(span);
            }
            java.util.Arrays.sort(created);
            int legacy = Math.max(3, n * 15 / 1000);
            long legacyId = LEGACY_PATIENT_BASE;
            long newId = PATIENT_BASE + rnd.nextInt(500);
            int familyRemaining = 0;
            PatientDraft familyHead = null;
            int familyCase = 0;
            boolean chainMade = false;

            for (int i = 0; i < n; i++) {
                PatientDraft p = new PatientDraft();
                p.createdAt = Instant.ofEpochSecond(created[i]);
                if (i < legacy) {
                    p.id = legacyId;
                    legacyId += 1 + rnd.nextInt(400);
                } else {
                    p.id = newId;
                    newId += 1 + rnd.nextInt(2_000);
                }
                if (familyRemaining > 0) {
                    familyMember(p, familyHead, familyCase++);
                    familyRemaining--;
                } else if (i >= 10 && rnd.nextDouble() < 0.01) {
                    // merged-away duplicate of an earlier patient
                    PatientDraft survivor = null;
                    if (!chainMade && (ensureMerges || rnd.nextDouble() < 0.3)) {
                        for (int k = i - 1; k >= 0; k--) {
                            PatientDraft c = patients.get(k);
                            if (c.mergedAt != null && c.mergedAt.isAfter(p.createdAt.plus(Duration.ofDays(2)))) {
                                survivor = c;
                                break;
                            }
                        }
                        chainMade = survivor != null;
                    }
                    if (survivor == null) {
                        survivor = pickActiveEarlier(i);
                    }
                    duplicateOf(p, survivor);
                } else {
                    fresh(p);
                    if (p.email != null && rnd.nextDouble() < 0.022) {
                        // family head: email in mixed case, members follow
                        String base = p.lastName.replace("'", "").replace(" ", "") + ".Family";
                        String email = uniqueEmail(base, "example.com");
                        p.email = email;
                        familyHead = p;
                        p.familyHead = true;
                        familyRemaining = rnd.nextDouble() < 0.8 ? 1 : 2;
                        familyCase = 0;
                    }
                }
                if (p.mergedAt == null && !p.familyMember && rnd.nextDouble() < 0.03) {
                    archive(rnd, p);
                }
                touch(rnd, p);
                patients.add(p);
            }
            if (ensureMerges) {
                ensureMergeCases(chainMade);
            }
        }

        /** Opt-in: forces a merge chain of 2 and gives every merged-away patient at least 3 days of history. */
        private void ensureMergeCases(boolean chainMade) {
            if (!chainMade && n >= 30) {
                int c = eligibleForMerge(0, n / 3);
                int b = eligibleForMerge(n / 3, 2 * n / 3);
                int a = eligibleForMerge(2 * n / 3, n);
                if (c >= 0 && b >= 0 && a >= 0) {
                    PatientDraft pc = patients.get(c);
                    PatientDraft pb = patients.get(b);
                    PatientDraft pa = patients.get(a);
                    duplicateOf(pb, pc);
                    pb.mergedAt = NOW.minus(Duration.ofDays(2)).minusSeconds(rnd.nextInt(86_400));
                    pb.archivedAt = pb.mergedAt;
                    duplicateOf(pa, pb);
                    pb.updatedAt = pb.archivedAt.plusSeconds(rnd.nextInt(60));
                    pa.updatedAt = pa.archivedAt.plusSeconds(rnd.nextInt(60));
                }
            }
            java.util.Map<Long, PatientDraft> byId = new java.util.HashMap<>();
            patients.forEach(p -> byId.put(p.id, p));
            for (PatientDraft p : patients) {
                if (p.mergedAt == null || !p.mergedAt.isBefore(p.createdAt.plus(Duration.ofDays(3)))) {
                    continue;
                }
                PatientDraft survivor = byId.get(p.mergedWith);
                Instant latest = survivor != null && survivor.mergedAt != null ? survivor.mergedAt
                        : NOW.minus(Duration.ofDays(1));
                Instant wanted = p.createdAt.plus(Duration.ofDays(3)).plusSeconds(rnd.nextInt(86_400));
                if (wanted.isBefore(latest)) {
                    p.mergedAt = wanted;
                    p.archivedAt = wanted;
                    p.updatedAt = wanted.plusSeconds(rnd.nextInt(60));
                }
            }
        }

        private int eligibleForMerge(int from, int to) {
            for (int i = Math.max(from, 0); i < Math.min(to, n); i++) {
                PatientDraft p = patients.get(i);
                if (!p.familyMember && !p.familyHead && p.archivedAt == null && p.mergedAt == null) {
                    return i;
                }
            }
            return -1;
        }

        private PatientDraft pickActiveEarlier(int i) {
            for (int attempt = 0; attempt < 50; attempt++) {
                PatientDraft c = patients.get(rnd.nextInt(i));
                if (c.archivedAt == null && c.mergedAt == null) {
                    return c;
                }
            }
            return patients.get(0);
        }

        private void fresh(PatientDraft p) {
            freshPatient(rnd, p, this::uniqueEmail);
        }

        private void familyMember(PatientDraft p, PatientDraft head, int index) {
            fresh(p);
            p.familyMember = true;
            p.lastName = head.lastName;
            p.address1 = head.address1;
            p.address2 = head.address2;
            p.city = head.city;
            p.state = head.state;
            p.postCode = head.postCode;
            p.dateOfBirth = LocalDate.of(2005, 1, 1).plusDays(rnd.nextInt(5_000));
            p.email = index == 0 ? head.email.toLowerCase(Locale.ROOT) : head.email.toUpperCase(Locale.ROOT);
            p.emergencyContact = head.firstName + " " + head.lastName + " (parent)";
        }

        private void duplicateOf(PatientDraft p, PatientDraft survivor) {
            fresh(p);
            p.firstName = survivor.firstName;
            p.lastName = survivor.lastName;
            p.sex = survivor.sex;
            p.dateOfBirth = survivor.dateOfBirth;
            p.email = rnd.nextBoolean() ? survivor.email : null;
            p.phones = new ArrayList<>(survivor.phones);
            p.practitionerIndex = survivor.practitionerIndex;
            Instant latest = survivor.mergedAt != null ? survivor.mergedAt : NOW.minus(Duration.ofDays(1));
            long window = Math.max(3_600, latest.getEpochSecond() - p.createdAt.getEpochSecond() - 3_600);
            p.mergedAt = p.createdAt.plusSeconds(1_800 + rnd.nextLong(window));
            if (!p.mergedAt.isBefore(latest)) {
                p.mergedAt = latest.minusSeconds(60);
            }
            p.archivedAt = p.mergedAt;
            p.mergedWith = survivor.id;
        }

        private String uniqueEmail(String local, String domain) {
            String candidate = local + "@" + domain;
            int k = 2;
            while (!usedEmails.add(candidate.toLowerCase(Locale.ROOT))) {
                candidate = local + k++ + "@" + domain;
            }
            return candidate;
        }

        // ------------------------------------------------------------------ appointments

        private void appointments() {
            for (int pi = 0; pi < n; pi++) {
                PatientDraft p = patients.get(pi);
                int count = rnd.nextInt(6) + (rnd.nextDouble() < 0.2 ? 1 + rnd.nextInt(4) : 0);
                boolean forceMerged = ensureMerges && p.mergedAt != null;
                if (forceMerged) {
                    count = Math.max(count, 2);
                }
                bookings.addAll(bookingsOf(rnd, BookingMix.DEFAULT, pi, p, count, forceMerged));
            }
        }

        private void extraBookings() {
            int blocks = Math.max(3, n / 40);
            for (int i = 0; i < blocks; i++) {
                BookingDraft b = new BookingDraft(1);
                LocalDate date = randomDate(rnd, NOW.minus(Duration.ofDays(700)), NOW.plus(Duration.ofDays(60)));
                b.startsAt = date.atTime(8, 0).atZone(CLINIC_ZONE).toInstant();
                b.endsAt = rnd.nextBoolean() ? date.atTime(12, 30).atZone(CLINIC_ZONE).toInstant()
                        : date.atTime(18, 0).atZone(CLINIC_ZONE).toInstant();
                b.practitionerIndex = practitionerAt(rnd, rnd.nextInt(specs.size()), b.startsAt);
                b.businessIndex = specs.get(b.practitionerIndex).business();
                b.createdAt = min(b.startsAt.minus(Duration.ofDays(3 + rnd.nextInt(60))), NOW.minusSeconds(3_600));
                b.updatedAt = b.createdAt;
                bookings.add(b);
            }
            int groups = Math.max(2, n / 60);
            for (int i = 0; i < groups; i++) {
                BookingDraft b = new BookingDraft(2);
                LocalDate date = randomDate(rnd, NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(30)));
                b.startsAt = date.atTime(18, 0).atZone(CLINIC_ZONE).toInstant();
                b.endsAt = b.startsAt.plus(Duration.ofMinutes(60));
                b.practitionerIndex = practitionerAt(rnd, rnd.nextBoolean() ? 0 : 2, b.startsAt);
                b.businessIndex = specs.get(b.practitionerIndex).business();
                b.typeIndex = 3;
                b.createdAt = min(b.startsAt.minus(Duration.ofDays(7 + rnd.nextInt(30))), NOW.minusSeconds(3_600));
                b.updatedAt = b.createdAt;
                List<Integer> attendees = new ArrayList<>();
                for (int attempt = 0; attempt < 100 && attendees.size() < 3; attempt++) {
                    int pi = rnd.nextInt(n);
                    PatientDraft p = patients.get(pi);
                    if (p.archivedAt == null && p.createdAt.isBefore(b.createdAt) && !attendees.contains(pi)) {
                        attendees.add(pi);
                    }
                }
                b.groupPatients = attendees;
                bookings.add(b);
            }
        }

        private void assignBookingIds() {
            bookings.sort(Comparator.comparing((BookingDraft b) -> b.createdAt));
            long id = BOOKING_BASE + rnd.nextInt(1_000);
            for (BookingDraft b : bookings) {
                b.id = id;
                id += 1 + rnd.nextInt(3_000);
            }
        }

        // ------------------------------------------------------------------ invoices

        private void invoices() {
            for (BookingDraft b : bookings) {
                if (b.kind != 0 || b.cancelledAt != null || b.startsAt.isAfter(NOW)) {
                    continue;
                }
                boolean invoiced = b.forceInvoice
                        || (Boolean.TRUE.equals(b.arrived) ? rnd.nextDouble() < 0.7 : rnd.nextDouble() < 0.2);
                if (invoiced) {
                    invoices.add(appointmentInvoice(rnd, b));
                }
            }
            for (int pi = 0; pi < n; pi++) {
                if (rnd.nextDouble() >= 0.3) {
                    continue;
                }
                InvoiceDraft inv = productSale(rnd, pi, patients.get(pi));
                if (inv != null) {
                    invoices.add(inv);
                }
            }
            invoices.sort(Comparator.comparing((InvoiceDraft i) -> i.createdAt));
            long id = INVOICE_BASE + rnd.nextInt(1_000);
            int number = 1001;
            for (InvoiceDraft inv : invoices) {
                inv.id = id;
                id += 1 + rnd.nextInt(3_000);
                inv.number = number++;
                settleInvoice(rnd, inv);
            }
        }

        private static Instant min(Instant a, Instant b) {
            return a.isBefore(b) ? a : b;
        }

        // ------------------------------------------------------------------ assembly

        private Clinic assemble() {
            List<Patient> patientList = new ArrayList<>(n);
            for (PatientDraft p : patients) {
                patientList.add(p.build());
            }
            List<IndividualAppointment> appointments = new ArrayList<>();
            List<UnavailableBlock> blocks = new ArrayList<>();
            List<GroupAppointment> groups = new ArrayList<>();
            for (BookingDraft b : bookings) {
                long practitionerId = practitioners.get(b.practitionerIndex).id();
                long businessId = businesses.get(b.businessIndex).id();
                switch (b.kind) {
                    case 0 -> appointments.add(b.toAppointment(patients.get(b.patientIndex).id, practitionerId,
                            businessId, types.get(b.typeIndex).id()));
                    case 1 -> blocks.add(new UnavailableBlock(b.id, practitionerId, businessId, b.startsAt, b.endsAt,
                            b.createdAt));
                    default -> groups.add(new GroupAppointment(b.id, practitionerId, businessId,
                            types.get(b.typeIndex).id(), b.startsAt, b.endsAt, types.get(b.typeIndex).maxAttendees(),
                            b.groupPatients.stream().map(pi -> patients.get(pi).id).toList(), b.createdAt));
                }
            }
            List<Invoice> invoiceList = new ArrayList<>(invoices.size());
            for (InvoiceDraft inv : invoices) {
                invoiceList.add(inv.build(patients.get(inv.patientIndex).id,
                        practitioners.get(inv.practitionerIndex).id(), businesses.get(inv.businessIndex).id()));
            }
            return new Clinic(NOW, businesses, users, practitioners, types, patientList, appointments, invoiceList,
                    blocks, groups);
        }
    }
}
