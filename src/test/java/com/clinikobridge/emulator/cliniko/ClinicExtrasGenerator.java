package com.clinikobridge.emulator.cliniko;

import com.clinikobridge.emulator.cliniko.Clinic.AppointmentType;
import com.clinikobridge.emulator.cliniko.Clinic.BillableItem;
import com.clinikobridge.emulator.cliniko.Clinic.Contact;
import com.clinikobridge.emulator.cliniko.Clinic.CustomField;
import com.clinikobridge.emulator.cliniko.Clinic.CustomFieldOption;
import com.clinikobridge.emulator.cliniko.Clinic.CustomFieldSection;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.InvoiceItem;
import com.clinikobridge.emulator.cliniko.Clinic.MedicalAlert;
import com.clinikobridge.emulator.cliniko.Clinic.NoteAnswer;
import com.clinikobridge.emulator.cliniko.Clinic.NoteContent;
import com.clinikobridge.emulator.cliniko.Clinic.NoteQuestion;
import com.clinikobridge.emulator.cliniko.Clinic.NoteSection;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.Clinic.PhoneNumber;
import com.clinikobridge.emulator.cliniko.Clinic.Practitioner;
import com.clinikobridge.emulator.cliniko.Clinic.Product;
import com.clinikobridge.emulator.cliniko.Clinic.ReferralSource;
import com.clinikobridge.emulator.cliniko.Clinic.ReferralSourceType;
import com.clinikobridge.emulator.cliniko.Clinic.Tax;
import com.clinikobridge.emulator.cliniko.Clinic.TreatmentNote;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Adds contacts, referring doctors, referral sources, medical alert records, patient custom fields, the catalogue
 * (tax, billable items, products), invoice items and treatment notes to a clinic made by {@link ClinicGenerator}.
 * Draws only from its own {@code new Random(seed * 31 + 7)}, so the base clinic's lists stay exactly as they were.
 */
final class ClinicExtrasGenerator {

    private static final Instant NOW = ClinicGenerator.NOW;
    private static final Instant ACCOUNT_START = Instant.parse("2014-11-03T22:15:00Z");

    private static final long CONTACT_BASE = 1_210_000_000_000_000_000L;
    private static final long REFERRAL_TYPE_BASE = 1_220_000_000_000_000_000L;
    private static final long TAX_BASE = 1_230_000_000_000_000_000L;
    private static final long BILLABLE_ITEM_BASE = 1_240_000_000_000_000_000L;
    private static final long PRODUCT_BASE = 1_250_000_000_000_000_000L;
    private static final long REFERRAL_SOURCE_BASE = 1_750_000_000_000_000_000L;
    private static final long MEDICAL_ALERT_BASE = 1_760_000_000_000_000_000L;
    private static final long TREATMENT_NOTE_BASE = 1_850_000_000_000_000_000L;
    private static final long INVOICE_ITEM_BASE = 1_950_000_000_000_000_000L;

    private static final BigDecimal TEN = new BigDecimal("10.0");
    private static final BigDecimal ZERO_RATE = new BigDecimal("0.0");
    private static final BigDecimal ONE = new BigDecimal("1.0");

    private static final String[] FIRST = {"Anita", "Brendan", "Catherine", "Dinesh", "Eleanor", "Felix", "Gemma",
            "Hugo", "Ingrid", "Julian", "Kavita", "Lachlan", "Miriam", "Nikolai", "Orla", "Patrick", "Rosalind",
            "Simon", "Tamsin", "Vikram"};
    private static final String[] LAST = {"Abernethy", "Blackwood", "Castellano", "Drummond", "Ellison", "Fairbairn",
            "Galloway", "Holloway", "Iyer", "Jablonski", "Kerrigan", "Lindqvist", "Montgomery", "Nakamura",
            "Okonkwo", "Pemberton", "Quinlan", "Rutherford", "Sandoval", "Thorncroft"};
    private static final String[] DOCTOR_COMPANIES = {"Riverside Medical Centre", "Northside Family Practice",
            "Example Street Clinic", "Parkville Sports Medicine", "Sample Road Medical Group", "Carlton Orthopaedics"};
    private static final String[] SPECIALIST_OCCUPATIONS = {"Orthopaedic Surgeon", "Sports Physician",
            "Rheumatologist"};
    private static final String[] PAYER_COMPANIES = {"Example Health Fund", "Sample Workcover Insurance",
            "Example Motor Accident Commission", "Sample Veterans Support"};
    private static final String[] STANDARD_OCCUPATIONS = {"Personal Trainer", "Lawyer", "Case Manager", "Podiatrist"};
    private static final String[][] SUBURBS = {{"Carlton", "3053"}, {"Fitzroy", "3065"}, {"Richmond", "3121"},
            {"Brunswick", "3056"}, {"Parkville", "3052"}, {"Melbourne", "3000"}};
    private static final String[] STREETS = {"Example Street", "Sample Road", "Wattle Avenue", "Banksia Parade",
            "Acacia Lane"};
    private static final String[] CONTACT_NOTES = {"Prefers referrals by fax.", "Send reports to practice email.",
            "Claims: quote member number,\nthen invoice number", "Closed Fridays"};
    private static final String[] REFERRAL_NOTES = {"Saw the sign out front", "Recommended by a colleague",
            "Referred for post-op rehab", "Searched \"physio near me\"", "Claim #A-1234\nCall before booking"};
    private static final String[] ARCHIVED_ALERTS = {"Recent fracture (healed)", "Pregnant", "Post-surgery precautions"};
    private static final String[] COMPLAINTS = {"Lower back pain", "Right shoulder pain", "Left knee pain after running",
            "Neck stiffness", "Ankle sprain (inversion)", "Headaches - tension type"};
    private static final String[] HTML_ALLOWED = {
            "<p>Pain for <b>2 weeks</b>, worse in the morning.</p>",
            "<p>Gradual onset.<br>Aggravated by sitting &gt; 30 min.</p>",
            "<p>Previous episodes:</p><ul><li>2019 - resolved with physio</li><li>2022 - <i>self-managed</i></li></ul>",
            "<p>No red flags. Sleep <u>disturbed</u>.</p>",
            "<p>Home exercise program:</p><ol><li>Bridges 3x10</li><li>Bird dog 3x10</li></ol>"
                    + "<p>Review in <b>1 week</b>.</p>",
            "<p>Manual therapy and dry needling.<br>Advice: keep active, ice 15 min.</p>"};
    /** Paragraph answers with tags a sanitiser must drop: script, img with handler, span with style. */
    static final String[] HTML_DISALLOWED = {
            "<p>Discussed imaging.</p><script>alert(1)</script>",
            "<p>See attached report</p><img src=x onerror=alert(1)>",
            "<p><span style=\"color:red;font-size:20px\">Urgent:</span> refer to GP</p>"};
    private static final String[] AREAS = {"Neck", "Shoulder", "Lower back", "Hip", "Knee"};
    private static final String[] PAIN = {"0-3", "4-6", "7-10"};
    private static final String[] GOALS = {"Return to running 10 km", "Lift grandkids without pain\nSleep through",
            "Get back to netball", "Work at desk all day"};

    private ClinicExtrasGenerator() {
    }

    /** Returns {@code base} with all extra lists filled in (base lists unchanged). */
    static Clinic extend(Clinic base, long seed) {
        return new Extras(base, seed).run();
    }

    /** Deterministic UUID for a custom field section/field/option key. */
    static String token(String key) {
        return UUID.nameUUIDFromBytes(("cliniko-emulator:" + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Plans invoice lines from the catalogue (billable items and products by name) and the GST tax. */
    static final class InvoiceLines {
        private final Tax gst;
        private final Map<String, BillableItem> billableByName = new HashMap<>();
        private final Map<String, Product> productByName = new HashMap<>();

        InvoiceLines(Tax gst, List<BillableItem> billableItems, List<Product> products) {
            this.gst = gst;
            billableItems.forEach(b -> billableByName.put(b.name(), b));
            products.forEach(p -> productByName.put(p.name(), p));
        }

        /**
         * The 1–3 items of {@code inv} (net prices summing to its net amount, else one fallback line);
         * {@code type} is its appointment's type, null for a product sale. {@code ids} gives each item's id, in order.
         */
        List<InvoiceItem> items(RandomGenerator rnd, Invoice inv, AppointmentType type, LongSupplier ids) {
            boolean gst = inv.taxAmount().signum() != 0;
            List<Line> lines = plan(rnd, inv, type, gst);
            BigDecimal sum = BigDecimal.ZERO;
            for (Line l : lines) {
                sum = sum.add(net(l));
            }
            if (sum.compareTo(inv.netAmount()) != 0) {
                lines = List.of(fallback(inv, type, gst));
            }
            List<InvoiceItem> items = new ArrayList<>(lines.size());
            for (Line l : lines) {
                BigDecimal quantity = new BigDecimal(l.quantity()).setScale(1);
                BigDecimal gross = l.unitPrice().multiply(new BigDecimal(l.quantity()));
                BigDecimal discounted = l.discount() ? gross.multiply(new BigDecimal("0.10"))
                        .setScale(2, RoundingMode.HALF_UP) : BigDecimal.ZERO.setScale(2);
                BigDecimal net = gross.subtract(discounted).setScale(2, RoundingMode.HALF_UP);
                BigDecimal total = net.add(tax(net, gst));
                String name = l.item() != null ? l.item().name() : l.product().name();
                String code = l.item() != null ? l.item().itemCode() : l.product().itemCode();
                items.add(new InvoiceItem(ids.getAsLong(), inv.id(), name, code, quantity, l.unitPrice(), net,
                        l.discount() ? TEN : ZERO_RATE, discounted, false, gst ? this.gst.name() : null,
                        gst ? TEN : ZERO_RATE, total, l.item() == null ? null : l.item().id(),
                        l.product() == null ? null : l.product().id(), null, inv.createdAt(), inv.createdAt()));
            }
            return items;
        }

        /** One planned line: a billable item or product, quantity, unit price (2 dp) and discount percent. */
        private record Line(BillableItem item, Product product, int quantity, BigDecimal unitPrice, boolean discount) {
        }

        private Line service(String name, String unit) {
            return new Line(billableByName.get(name), null, 1, money(unit), false);
        }

        private Line product(String name, int quantity) {
            Product p = productByName.get(name);
            return new Line(null, p, quantity, p.priceExTax(), false);
        }

        private static BigDecimal net(Line l) {
            BigDecimal gross = l.unitPrice().multiply(new BigDecimal(l.quantity()));
            BigDecimal discounted = l.discount() ? gross.multiply(new BigDecimal("0.10"))
                    .setScale(2, RoundingMode.HALF_UP) : BigDecimal.ZERO;
            return gross.subtract(discounted).setScale(2, RoundingMode.HALF_UP);
        }

        private List<Line> plan(RandomGenerator rnd, Invoice inv, AppointmentType type, boolean gst) {
            BigDecimal net = inv.netAmount();
            double r = rnd.nextDouble();
            if (type == null) {
                // product sale: 22.50 or 45.00 (GST)
                if (!gst) {
                    return List.of();
                }
                if (net.compareTo(money("22.50")) == 0) {
                    return r < 0.6 ? List.of(product("Hot/Cold Pack", 1))
                            : List.of(product("Theraband - Light", 1), product("Theraband - Medium", 1));
                }
                if (net.compareTo(money("45.00")) == 0) {
                    return r < 0.5 ? List.of(product("Foam Roller", 1))
                            : r < 0.8 ? List.of(product("Hot/Cold Pack", 2))
                            : List.of(product("Hot/Cold Pack", 1), product("Theraband - Light", 1),
                            product("Theraband - Medium", 1));
                }
                return List.of();
            }
            BillableItem main = billableByName.get(type.name());
            if (main == null) {
                return List.of();
            }
            if (r < 0.65) {
                return List.of(new Line(main, null, 1, net, false));
            }
            if (gst) {
                if (r < 0.80) {
                    return List.of(new Line(main, null, 1, net.subtract(money("10")), false),
                            service("Hot Pack Application", "10.00"));
                }
                if (r < 0.90) {
                    // 10% off the list price, the rest as a hot pack: 100 × 0.9 + 10 = 100
                    return List.of(new Line(main, null, 1, main.price(), true),
                            service("Hot Pack Application", net.subtract(net(new Line(main, null, 1, main.price(),
                                    true))).toPlainString()));
                }
                return List.of(new Line(main, null, 1, net.subtract(money("21.00")), false),
                        service("Hot Pack Application", "10.00"), product("Theraband - Light", 1));
            }
            if (r < 0.80) {
                return List.of(new Line(main, null, 1, net.subtract(money("15")), false),
                        service("Dry Needling", "15.00"));
            }
            if (r < 0.90) {
                Line discounted = new Line(main, null, 1, main.price(), true);
                return List.of(discounted, service("Exercise Program", net.subtract(net(discounted)).toPlainString()));
            }
            return List.of(new Line(main, null, 1, net.subtract(money("25")), false),
                    service("Dry Needling", "15.00"), service("Exercise Program", "10.00"));
        }

        private Line fallback(Invoice inv, AppointmentType type, boolean gst) {
            BillableItem main = type == null ? null : billableByName.get(type.name());
            if (main == null) {
                main = gst ? billableByName.get("Hot Pack Application") : billableByName.get("Exercise Program");
            }
            return new Line(main, null, 1, inv.netAmount(), false);
        }
    }

    /** Mutable note draft; content decided after all notes exist. */
    static final class NoteDraft {
        long patientId;
        long practitionerId;
        Long bookingId;
        String title;
        boolean draft;
        boolean nullContent;
        LocalDate date;
        Instant createdAt;
        Instant finalizedAt;
        Instant updatedAt;
        Instant archivedAt;
        String disallowedHtml;

        /** The note of an attended appointment (draft when its note status is 10), written after it. */
        static NoteDraft forAppointment(RandomGenerator rnd, IndividualAppointment a, long initialTypeId) {
            NoteDraft d = new NoteDraft();
            d.patientId = a.patientId();
            d.practitionerId = a.practitionerId();
            d.bookingId = a.id();
            d.title = a.appointmentTypeId() == initialTypeId ? "Initial consultation note"
                    : "Standard consultation note";
            d.draft = a.treatmentNoteStatus() == 10;
            d.date = a.startsAt().atZone(ClinicGenerator.CLINIC_ZONE).toLocalDate();
            d.createdAt = min(a.endsAt().plusSeconds(300 + rnd.nextInt(7_200)), NOW.minusSeconds(600));
            return d;
        }

        /**
         * A phone consultation note outside appointments, while the patient is on the books, by one of the
         * practitioners of {@code mine} (else {@code defaultPractitionerId}); a draft 40% of the time if allowed.
         */
        static NoteDraft phoneNote(RandomGenerator rnd, Patient p, List<IndividualAppointment> mine,
                                   long defaultPractitionerId, boolean mayBeDraft) {
            Instant end = p.archivedAt() != null ? p.archivedAt() : NOW.minus(Duration.ofDays(1));
            Instant start = p.createdAt().plusSeconds(3_600);
            if (!start.isBefore(end)) {
                start = p.createdAt();
                end = min(p.createdAt().plusSeconds(3_600), NOW.minusSeconds(600));
            }
            NoteDraft d = new NoteDraft();
            d.patientId = p.id();
            d.practitionerId = !mine.isEmpty() ? mine.get(rnd.nextInt(mine.size())).practitionerId()
                    : defaultPractitionerId;
            d.title = "Phone consultation note";
            d.draft = mayBeDraft && rnd.nextDouble() < 0.4;
            d.createdAt = between(rnd, start, end);
            d.date = d.createdAt.atZone(ClinicGenerator.CLINIC_ZONE).toLocalDate();
            return d;
        }

        /** Draws finalisation (or null content for 30% of drafts), updatedAt and archiving (2%). */
        void settle(RandomGenerator rnd) {
            if (draft) {
                nullContent = rnd.nextDouble() < 0.3;
                updatedAt = min(createdAt.plusSeconds(rnd.nextInt(7_200)), NOW.minusSeconds(60));
            } else {
                long delay = rnd.nextDouble() < 0.7 ? rnd.nextInt(1_800) : rnd.nextInt(3 * 86_400);
                finalizedAt = min(createdAt.plusSeconds(delay), NOW.minusSeconds(60));
                updatedAt = finalizedAt;
            }
            if (updatedAt.isBefore(createdAt)) {
                updatedAt = createdAt;
            }
            if (rnd.nextDouble() < 0.02) {
                archive(rnd);
            }
        }

        void archive(RandomGenerator rnd) {
            archivedAt = between(rnd, updatedAt, NOW.minusSeconds(30));
            updatedAt = archivedAt;
        }

        TreatmentNote build(long id, String authorName, NoteContent content) {
            return new TreatmentNote(id, patientId, practitionerId, bookingId, title, draft, finalizedAt, authorName,
                    content, archivedAt, createdAt, updatedAt);
        }
    }

    /** Draws the content of a note (subjective, objective and plan sections). */
    static NoteContent content(RandomGenerator rnd, NoteDraft d) {
        List<NoteAnswer> areas = new ArrayList<>();
        boolean any = false;
        for (String area : AREAS) {
            boolean selected = rnd.nextDouble() < 0.3;
            any |= selected;
            areas.add(new NoteAnswer(area, selected));
        }
        boolean otherArea = rnd.nextDouble() < 0.1;
        if (!any && !otherArea) {
            areas.set(2, new NoteAnswer(AREAS[2], true));
        }
        int pain = rnd.nextInt(PAIN.length);
        List<NoteAnswer> painAnswers = new ArrayList<>();
        for (int i = 0; i < PAIN.length; i++) {
            painAnswers.add(new NoteAnswer(PAIN[i], i == pain));
        }
        String history = pick(rnd, HTML_ALLOWED);
        String plan = d.disallowedHtml != null ? d.disallowedHtml
                : d.draft && rnd.nextDouble() < 0.5 ? "" : pick(rnd, HTML_ALLOWED);
        return new NoteContent(List.of(
                new NoteSection("Subjective", "What the patient reports", List.of(
                        new NoteQuestion("Presenting complaint", "text", pick(rnd, COMPLAINTS), List.of(), null, null,
                                null),
                        new NoteQuestion("History", "paragraph", history, List.of(), null, null, null),
                        new NoteQuestion("Date of onset", "date", d.date.minusDays(3 + rnd.nextInt(200)).toString(),
                                List.of(), null, null, null))),
                new NoteSection("Objective", null, List.of(
                        new NoteQuestion("Areas treated", "checkboxes", null, areas, true, otherArea,
                                otherArea ? "Thoracic spine" : ""),
                        new NoteQuestion("Pain (0-10)", "radiobuttons", null, painAnswers, false, false, ""))),
                new NoteSection("Plan", null, List.of(
                        new NoteQuestion("Treatment and plan", "paragraph", plan, List.of(), null, null,
                                null)))));
    }

    static <T> T pick(RandomGenerator rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private static Instant between(RandomGenerator rnd, Instant from, Instant to) {
        long span = to.getEpochSecond() - from.getEpochSecond();
        return span <= 0 ? from : from.plusSeconds((long) (rnd.nextDouble() * span));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static BigDecimal tax(BigDecimal net, boolean gst) {
        return gst ? net.multiply(new BigDecimal("0.10")).setScale(2, RoundingMode.HALF_UP)
                : BigDecimal.ZERO.setScale(2);
    }

    private static BigDecimal money(String value) {
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_UP);
    }

    private static final class Extras {
        private final Clinic base;
        private final Random rnd;
        private final int n;
        private final List<Contact> contacts = new ArrayList<>();
        private final Map<Long, Long> referringDoctor = new LinkedHashMap<>();
        private final List<ReferralSourceType> referralTypes = new ArrayList<>();
        private final List<ReferralSource> referralSources = new ArrayList<>();
        private final List<MedicalAlert> alerts = new ArrayList<>();
        private final List<CustomFieldSection> definition = new ArrayList<>();
        private final Map<Long, List<CustomFieldSection>> customFields = new LinkedHashMap<>();
        private final List<Tax> taxes = new ArrayList<>();
        private final List<BillableItem> billableItems = new ArrayList<>();
        private final List<Product> products = new ArrayList<>();
        private final List<InvoiceItem> invoiceItems = new ArrayList<>();
        private final List<TreatmentNote> notes = new ArrayList<>();

        Extras(Clinic base, long seed) {
            this.base = base;
            this.rnd = new Random(seed * 31 + 7);
            this.n = base.patients().size();
        }

        Clinic run() {
            contacts();
            referralSourceTypes();
            referrals();
            medicalAlerts();
            customFieldDefinition();
            customFieldAnswers();
            catalogue();
            invoiceItems();
            treatmentNotes();
            return new Clinic(base.now(), base.businesses(), base.users(), base.practitioners(),
                    base.appointmentTypes(), base.patients(), base.individualAppointments(), base.invoices(),
                    base.unavailableBlocks(), base.groupAppointments(), contacts, referringDoctor, referralTypes,
                    referralSources, alerts, definition, customFields, taxes, billableItems, products, invoiceItems,
                    notes);
        }

        // -------------------------------------------------------------- helpers

        private <T> T pick(T[] values) {
            return ClinicExtrasGenerator.pick(rnd, values);
        }

        private String digits(int count) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < count; i++) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
            return sb.toString();
        }

        private Instant between(Instant from, Instant to) {
            return ClinicExtrasGenerator.between(rnd, from, to);
        }

        // -------------------------------------------------------------- contacts

        private void contacts() {
            int count = 8 + n / 50;
            int doctors = (int) Math.round(count * 0.6);
            int payers = Math.max(1, (count - doctors) / 2);
            int archivedIndex = doctors > 1 ? 1 + rnd.nextInt(doctors - 1) : 0;
            List<Contact> drafts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String kind = i < doctors ? "Doctor" : i < doctors + payers ? "3rd Party Payer" : "Standard";
                String title = null;
                String first = pick(FIRST);
                String last = pick(LAST);
                String company = null;
                String occupation = null;
                String doctorType = null;
                String provider = null;
                Integer typeCode;
                List<PhoneNumber> phones = new ArrayList<>();
                String work = "9" + digits(7);
                phones.add(new PhoneNumber("Work", "03 " + work.substring(0, 4) + " " + work.substring(4),
                        "613" + work));
                switch (kind) {
                    case "Doctor" -> {
                        typeCode = 1;
                        title = "Dr";
                        boolean gp = rnd.nextDouble() < 0.7;
                        doctorType = gp ? "general_practitioner" : "specialist";
                        occupation = gp ? "General Practitioner" : pick(SPECIALIST_OCCUPATIONS);
                        company = i % 4 == 3 ? null : DOCTOR_COMPANIES[i % DOCTOR_COMPANIES.length];
                        provider = digits(6) + (char) ('A' + rnd.nextInt(26)) + (char) ('A' + rnd.nextInt(26));
                        if (rnd.nextDouble() < 0.5) {
                            String fax = "9" + digits(7);
                            phones.add(new PhoneNumber("Fax", "03 " + fax.substring(0, 4) + " " + fax.substring(4),
                                    "613" + fax));
                        }
                    }
                    case "3rd Party Payer" -> {
                        typeCode = 2;
                        company = PAYER_COMPANIES[(i - doctors) % PAYER_COMPANIES.length];
                        if (rnd.nextBoolean()) {
                            first = null;
                            last = null;
                        } else {
                            occupation = "Claims Officer";
                        }
                    }
                    default -> {
                        typeCode = 0;
                        occupation = pick(STANDARD_OCCUPATIONS);
                        if (i == count - 1) {
                            company = "Example Pilates Studio";
                        }
                        String mobile = "04" + digits(8);
                        phones.add(new PhoneNumber("Mobile", mobile.substring(0, 4) + " " + mobile.substring(4, 7)
                                + " " + mobile.substring(7), "61" + mobile.substring(1)));
                    }
                }
                String local = first != null ? (first + "." + last).toLowerCase(java.util.Locale.ROOT)
                        : company.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z]+", "-");
                String email = local.replace("'", "") + "@example.org";
                String[] suburb = pick(SUBURBS);
                Instant created = between(Instant.parse("2015-02-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"));
                Instant updated = rnd.nextBoolean() ? created : between(created, NOW.minusSeconds(3_600));
                Instant archived = i == archivedIndex ? updated : null;
                drafts.add(new Contact(0, title, first, last, null, company, occupation, email, phones,
                        (1 + rnd.nextInt(400)) + " " + pick(STREETS), rnd.nextDouble() < 0.2 ? "Level 2" : null, null,
                        suburb[0], "VIC", suburb[1], "Australia", rnd.nextDouble() < 0.3 ? pick(CONTACT_NOTES) : null,
                        provider, kind, typeCode, doctorType, archived, created, updated));
            }
            drafts.sort(Comparator.comparing(Contact::createdAt));
            long id = CONTACT_BASE + rnd.nextInt(1_000);
            for (Contact c : drafts) {
                contacts.add(new Contact(id, c.title(), c.firstName(), c.lastName(), c.preferredName(),
                        c.companyName(), c.occupation(), c.email(), c.phoneNumbers(), c.address1(), c.address2(),
                        c.address3(), c.city(), c.state(), c.postCode(), c.country(), c.notes(), c.providerNumber(),
                        c.type(), c.typeCode(), c.doctorType(), c.archivedAt(), c.createdAt(), c.updatedAt()));
                id += 1 + rnd.nextInt(5_000);
            }
        }

        // -------------------------------------------------------------- referrals

        private void referralSourceTypes() {
            Object[][] specs = {
                    {"Google", null, List.of(), null},
                    {"Word of mouth", "Patient", List.of(), null},
                    {"Doctor referral", "Contact", List.of(), null},
                    {"Social media", null, List.of("Facebook", "Instagram"), null},
                    {"Health fund", "Contact", List.of(), null},
                    {"Walk-in", null, List.of(), null},
                    {"Yellow Pages", null, List.of(), Instant.parse("2020-02-03T01:00:00Z")}};
            Instant t = ACCOUNT_START.plus(Duration.ofHours(3));
            long id = REFERRAL_TYPE_BASE + 11;
            for (Object[] spec : specs) {
                @SuppressWarnings("unchecked")
                List<String> subcategories = (List<String>) spec[2];
                Instant archived = (Instant) spec[3];
                referralTypes.add(new ReferralSourceType(id, (String) spec[0], (String) spec[1], subcategories,
                        archived, t, archived != null ? archived : t));
                id += 1 + rnd.nextInt(1_000);
                t = t.plusSeconds(60);
            }
        }

        private void referrals() {
            List<Contact> doctors = contacts.stream().filter(Contact::isDoctor).toList();
            List<Contact> payers = contacts.stream().filter(c -> "3rd Party Payer".equals(c.type())).toList();
            Instant yellowPagesEnd = Instant.parse("2019-06-01T00:00:00Z");
            double[] weights = {0.25, 0.25, 0.20, 0.15, 0.05, 0.10};
            long id = REFERRAL_SOURCE_BASE + rnd.nextInt(1_000);
            List<Patient> patients = base.patients();
            List<ReferralSource> drafts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Patient p = patients.get(i);
                Long doctorId = null;
                if (rnd.nextDouble() < 0.4) {
                    int typeIndex;
                    if (p.createdAt().isBefore(yellowPagesEnd) && rnd.nextDouble() < 0.08) {
                        typeIndex = 6;
                    } else {
                        double r = rnd.nextDouble();
                        double acc = 0;
                        typeIndex = weights.length - 1;
                        for (int k = 0; k < weights.length; k++) {
                            acc += weights[k];
                            if (r < acc) {
                                typeIndex = k;
                                break;
                            }
                        }
                    }
                    ReferralSourceType type = referralTypes.get(typeIndex);
                    Long referrer = null;
                    String subcategory = null;
                    switch (typeIndex) {
                        case 1 -> {
                            if (i > 0 && rnd.nextDouble() < 0.8) {
                                Patient other = patients.get(rnd.nextInt(i));
                                if (!other.isMerged()) {
                                    referrer = other.id();
                                }
                            }
                        }
                        case 2 -> {
                            if (!doctors.isEmpty() && rnd.nextDouble() < 0.9) {
                                referrer = doctors.get(rnd.nextInt(doctors.size())).id();
                                if (rnd.nextDouble() < 0.8) {
                                    doctorId = referrer;
                                }
                            }
                        }
                        case 3 -> subcategory = type.subcategories().get(rnd.nextInt(type.subcategories().size()));
                        case 4 -> {
                            if (!payers.isEmpty()) {
                                referrer = payers.get(rnd.nextInt(payers.size())).id();
                            }
                        }
                        default -> {
                        }
                    }
                    String notes = rnd.nextDouble() < 0.3 ? pick(REFERRAL_NOTES) : null;
                    Instant created = p.createdAt().plusSeconds(30 + rnd.nextInt(600));
                    Instant updated = rnd.nextDouble() < 0.8 ? created : between(created, NOW.minusSeconds(60));
                    drafts.add(new ReferralSource(0, p.id(), type.id(), referrer == null ? null : type.referrerType(),
                            referrer, subcategory, notes, null, created, updated));
                }
                if (doctorId == null && !doctors.isEmpty() && rnd.nextDouble() < 0.2) {
                    doctorId = doctors.get(rnd.nextInt(doctors.size())).id();
                }
                if (doctorId != null) {
                    referringDoctor.put(p.id(), doctorId);
                }
            }
            drafts.sort(Comparator.comparing(ReferralSource::createdAt));
            for (ReferralSource r : drafts) {
                referralSources.add(new ReferralSource(id, r.patientId(), r.referralSourceTypeId(), r.referrerType(),
                        r.referrerId(), r.subcategory(), r.notes(), null, r.createdAt(), r.updatedAt()));
                id += 1 + rnd.nextInt(3_000);
            }
        }

        // -------------------------------------------------------------- medical alerts

        private void medicalAlerts() {
            List<MedicalAlert> drafts = new ArrayList<>();
            for (Patient p : base.patients()) {
                long room = Math.max(60, Math.min(30L * 86_400, NOW.getEpochSecond() - p.createdAt().getEpochSecond()
                        - 60));
                Instant created = p.createdAt().plusSeconds(30 + (long) (rnd.nextDouble() * room));
                for (String name : p.medicalAlerts()) {
                    // strictly increasing per patient so created_at order keeps the patient's alert order
                    created = min(created, NOW.minusSeconds(600));
                    drafts.add(new MedicalAlert(0, p.id(), name, null, created, created));
                    created = created.plusSeconds(1 + rnd.nextInt(300));
                }
                if (rnd.nextDouble() < 0.03) {
                    String name = pick(ARCHIVED_ALERTS);
                    if (!p.medicalAlerts().contains(name)) {
                        Instant added = min(p.createdAt().plusSeconds(30 + (long) (rnd.nextDouble() * room)),
                                NOW.minus(Duration.ofDays(1)));
                        Instant archived = between(added, NOW.minusSeconds(60));
                        drafts.add(new MedicalAlert(0, p.id(), name, archived, added, archived));
                    }
                }
            }
            drafts.sort(Comparator.comparing(MedicalAlert::createdAt));
            long id = MEDICAL_ALERT_BASE + rnd.nextInt(1_000);
            for (MedicalAlert a : drafts) {
                alerts.add(new MedicalAlert(id, a.patientId(), a.name(), a.archivedAt(), a.createdAt(), a.updatedAt()));
                id += 1 + rnd.nextInt(3_000);
            }
        }

        // -------------------------------------------------------------- custom fields

        private static CustomField field(String section, String name, String type, boolean archived) {
            return new CustomField(name, token(section + "/" + name + "/" + type), type, archived, List.of(), null,
                    null, null, null);
        }

        private static CustomField choice(String section, String name, String type, boolean otherEnabled,
                                          List<String> options, List<String> archivedOptions) {
            List<CustomFieldOption> opts = new ArrayList<>();
            for (String o : options) {
                opts.add(new CustomFieldOption(o, token(section + "/" + name + "/" + o), archivedOptions.contains(o),
                        null));
            }
            return new CustomField(name, token(section + "/" + name + "/" + type), type, false, opts, otherEnabled,
                    null, null, null);
        }

        private void customFieldDefinition() {
            String s1 = "Health fund and injury";
            definition.add(new CustomFieldSection(s1, token(s1), false, List.of(
                    field(s1, "Health fund member number", "text", false),
                    field(s1, "Date of injury", "date", false),
                    choice(s1, "How did you hear about us", "radiobuttons", false,
                            List.of("Online", "Friend", "Doctor", "Yellow Pages"), List.of("Yellow Pages")),
                    field(s1, "Notes", "text", false),
                    field(s1, "Fax number (old)", "text", true))));
            String s2 = "Preferences";
            definition.add(new CustomFieldSection(s2, token(s2), false, List.of(
                    choice(s2, "Preferred contact times", "checkboxes", true,
                            List.of("Morning", "Afternoon", "Evening"), List.of()),
                    field(s2, "Goals of treatment", "paragraph", false),
                    field(s2, "Notes", "paragraph", false))));
        }

        private void customFieldAnswers() {
            for (Patient p : base.patients()) {
                if (rnd.nextDouble() >= 0.5) {
                    continue;
                }
                List<CustomFieldSection> sections = new ArrayList<>();
                for (CustomFieldSection section : definition) {
                    List<CustomField> answered = new ArrayList<>();
                    for (CustomField f : section.fields()) {
                        if (rnd.nextDouble() < (f.archived() ? 0.3 : 0.6)) {
                            answered.add(answer(f, p));
                        }
                    }
                    if (!answered.isEmpty()) {
                        sections.add(new CustomFieldSection(section.name(), section.token(), section.archived(),
                                answered));
                    }
                }
                if (sections.isEmpty()) {
                    CustomFieldSection first = definition.get(0);
                    sections.add(new CustomFieldSection(first.name(), first.token(), first.archived(),
                            List.of(answer(first.fields().get(0), p))));
                }
                customFields.put(p.id(), sections);
            }
        }

        private CustomField answer(CustomField f, Patient p) {
            return switch (f.type()) {
                case "text" -> withValue(f, switch (f.name()) {
                    case "Health fund member number" -> "HF" + digits(8);
                    case "Fax number (old)" -> "03 9" + digits(3) + " " + digits(4);
                    default -> rnd.nextBoolean() ? "Prefers text messages" : "Parking at rear, gate code 1234";
                });
                case "paragraph" -> withValue(f, f.name().equals("Goals of treatment") ? pick(GOALS)
                        : "Line one\nLine two, with comma");
                case "date" -> {
                    LocalDate created = p.createdAt().atZone(ClinicGenerator.CLINIC_ZONE).toLocalDate();
                    yield withValue(f, created.minusDays(rnd.nextInt(700)).toString());
                }
                default -> {
                    boolean checkboxes = f.type().equals("checkboxes");
                    List<CustomFieldOption> active = f.options().stream().filter(o -> !o.archived()).toList();
                    boolean otherSelected = Boolean.TRUE.equals(f.otherEnabled()) && rnd.nextDouble() < 0.15;
                    List<CustomFieldOption> options = new ArrayList<>();
                    CustomFieldOption chosen = checkboxes ? null
                            : f.options().stream().anyMatch(CustomFieldOption::archived) && rnd.nextDouble() < 0.05
                            ? f.options().stream().filter(CustomFieldOption::archived).findFirst().orElseThrow()
                            : active.get(rnd.nextInt(active.size()));
                    boolean any = false;
                    for (CustomFieldOption o : f.options()) {
                        boolean selected = checkboxes ? !o.archived() && rnd.nextDouble() < 0.45 : o.equals(chosen);
                        any |= selected;
                        options.add(new CustomFieldOption(o.name(), o.token(), o.archived(), selected));
                    }
                    if (checkboxes && !any && !otherSelected) {
                        CustomFieldOption o = options.get(0);
                        options.set(0, new CustomFieldOption(o.name(), o.token(), o.archived(), true));
                    }
                    yield new CustomField(f.name(), f.token(), f.type(), f.archived(), options, f.otherEnabled(), null,
                            otherSelected, otherSelected ? (rnd.nextBoolean() ? "Weekends only" : "Lunchtime") : "");
                }
            };
        }

        private static CustomField withValue(CustomField f, String value) {
            return new CustomField(f.name(), f.token(), f.type(), f.archived(), List.of(), null, value, null, null);
        }

        // -------------------------------------------------------------- catalogue

        private Tax gst;

        private void catalogue() {
            Instant t = ACCOUNT_START.plus(Duration.ofHours(1));
            gst = new Tax(TAX_BASE + 7, "GST", new BigDecimal("10.0"), t, t);
            taxes.add(gst);
            Object[][] items = {
                    {"Initial Consultation", "IC", "Service", "120.00", false, null},
                    {"Standard Consultation", "SC", "Service", "95.00", false, null},
                    {"Remedial Massage (60 min)", "RM60", "Service", "100.00", true, null},
                    {"Clinical Pilates Class", "CPC", "Service", "35.00", false, null},
                    {"Dry Needling", "DN", "Service", "15.00", false, null},
                    {"Exercise Program", "EXP", "Other", "10.00", false, null},
                    {"Hot Pack Application", "HP", "Service", "10.00", true, null},
                    {"Report Writing", "RPT", "Other", "50.00", false, Instant.parse("2022-07-01T00:00:00Z")}};
            long id = BILLABLE_ITEM_BASE + 5;
            Instant it = t.plusSeconds(600);
            for (Object[] spec : items) {
                Instant archived = (Instant) spec[5];
                BillableItem b = new BillableItem(id, (String) spec[0], (String) spec[1], (String) spec[2],
                        money((String) spec[3]), (Boolean) spec[4] ? gst.id() : null, archived, it,
                        archived != null ? archived : it);
                billableItems.add(b);
                id += 1 + rnd.nextInt(1_000);
                it = it.plusSeconds(120);
            }
            Object[][] prods = {
                    {"Theraband - Light", "TB-L", "11.00", "4.50", "24.0", null},
                    {"Theraband - Medium", "TB-M", "11.50", "4.80", "17.0", null},
                    {"Hot/Cold Pack", "HCP", "22.50", "9.00", "8.0", null},
                    {"Foam Roller", "FR-45", "45.00", "19.00", "5.0", null},
                    {"Posture Brace", "PB-1", "38.00", "15.00", "0.0", Instant.parse("2021-03-15T00:00:00Z")}};
            id = PRODUCT_BASE + 9;
            it = t.plus(Duration.ofDays(2));
            for (Object[] spec : prods) {
                Instant archived = (Instant) spec[5];
                BigDecimal ex = money((String) spec[2]);
                Product p = new Product(id, (String) spec[0], (String) spec[1], "SN-" + digits(6), ex,
                        ex.add(tax(ex, true)), money((String) spec[3]), new BigDecimal((String) spec[4]),
                        rnd.nextDouble() < 0.4 ? "Reorder when below 5" : null, gst.id(), archived, it,
                        archived != null ? archived : it);
                products.add(p);
                id += 1 + rnd.nextInt(1_000);
                it = it.plusSeconds(300);
            }
        }

        // -------------------------------------------------------------- invoice items

        private void invoiceItems() {
            Map<Long, IndividualAppointment> appointments = new HashMap<>();
            base.individualAppointments().forEach(a -> appointments.put(a.id(), a));
            Map<Long, AppointmentType> types = new HashMap<>();
            base.appointmentTypes().forEach(t -> types.put(t.id(), t));
            InvoiceLines lines = new InvoiceLines(gst, billableItems, products);
            itemId = INVOICE_ITEM_BASE + rnd.nextInt(1_000);
            for (Invoice inv : base.invoices()) {
                IndividualAppointment a = inv.appointmentId() == null ? null : appointments.get(inv.appointmentId());
                AppointmentType type = a == null ? null : types.get(a.appointmentTypeId());
                invoiceItems.addAll(lines.items(rnd, inv, type, this::nextItemId));
            }
        }

        private long itemId;

        private long nextItemId() {
            long id = itemId;
            itemId += 1 + rnd.nextInt(3_000);
            return id;
        }

        // -------------------------------------------------------------- treatment notes

        private void treatmentNotes() {
            Map<Long, Practitioner> practitioners = new HashMap<>();
            base.practitioners().forEach(p -> practitioners.put(p.id(), p));
            long initialType = base.appointmentTypes().get(0).id();
            List<NoteDraft> drafts = new ArrayList<>();
            Map<Long, List<IndividualAppointment>> byPatient = new HashMap<>();
            for (IndividualAppointment a : base.individualAppointments()) {
                byPatient.computeIfAbsent(a.patientId(), k -> new ArrayList<>()).add(a);
                if (a.treatmentNoteStatus() == null || a.isCancelled() || a.isFuture(NOW)) {
                    continue;
                }
                drafts.add(NoteDraft.forAppointment(rnd, a, initialType));
            }
            for (Patient p : base.patients()) {
                boolean standalone = rnd.nextDouble() < 0.04;
                boolean mergedWithoutNote = p.isMerged()
                        && drafts.stream().noneMatch(d -> d.patientId == p.id());
                if (!standalone && !mergedWithoutNote) {
                    continue;
                }
                drafts.add(NoteDraft.phoneNote(rnd, p, byPatient.getOrDefault(p.id(), List.of()),
                        base.practitioners().get(0).id(), !mergedWithoutNote));
            }
            for (NoteDraft d : drafts) {
                d.settle(rnd);
            }
            if (drafts.size() >= 20 && drafts.stream().noneMatch(d -> d.archivedAt != null)) {
                drafts.get(rnd.nextInt(drafts.size())).archive(rnd);
            }
            List<NoteDraft> withContent = drafts.stream().filter(d -> !d.nullContent).toList();
            for (NoteDraft d : withContent) {
                if (rnd.nextDouble() < 0.03) {
                    d.disallowedHtml = pick(HTML_DISALLOWED);
                }
            }
            if (withContent.size() >= HTML_DISALLOWED.length * 4) {
                for (int k = 0; k < HTML_DISALLOWED.length; k++) {
                    String html = HTML_DISALLOWED[k];
                    if (withContent.stream().noneMatch(d -> html.equals(d.disallowedHtml))) {
                        NoteDraft d;
                        do {
                            d = withContent.get(rnd.nextInt(withContent.size()));
                        } while (d.disallowedHtml != null);
                        d.disallowedHtml = html;
                    }
                }
            }
            drafts.sort(Comparator.comparing((NoteDraft d) -> d.createdAt));
            long id = TREATMENT_NOTE_BASE + rnd.nextInt(1_000);
            for (NoteDraft d : drafts) {
                Practitioner author = practitioners.get(d.practitionerId);
                notes.add(d.build(id, author == null ? null : author.displayName(),
                        d.nullContent ? null : content(rnd, d)));
                id += 1 + rnd.nextInt(3_000);
            }
        }
    }
}
