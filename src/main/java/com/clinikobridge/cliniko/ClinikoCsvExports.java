package com.clinikobridge.cliniko;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A folder of Cliniko CSV exports ({@code Patients-Cliniko-<date>[-From<date>-To<date>].csv},
 * likewise {@code Appointments-} and {@code Invoices-}) and the row mappers for each file, per
 * CSV-EXPORTS.md §3 (Patients 2025-06, Appointments 2025-09 variants A and B, Invoices 2025-09).
 * Made by {@link CsvPreflight}, it holds the one file chosen per kind and its {@link CsvFormat};
 * made from a bare folder, it uses the newest export of each kind (by name), format detected.
 */
public final class ClinikoCsvExports {

	/** Cliniko's export kinds: the file-name prefix, the columns its row mapper cannot do without, its date columns. */
	public enum Kind {

		PATIENTS("Patients", List.of("Patient ID"), List.of("Date of Birth")),
		APPOINTMENTS("Appointments", List.of("Appointment ID", "Patient ID(s)"), List.of()),
		INVOICES("Invoices", List.of("ID", "Status"), List.of("Issue Date"));

		private final String type;

		private final List<String> required;

		private final List<String> dates;

		Kind(String type, List<String> required, List<String> dates) {
			this.type = type;
			this.required = required;
			this.dates = dates;
		}

		/** "Patients", "Appointments" or "Invoices", as in Cliniko's file names. */
		public String type() {
			return type;
		}

		List<String> required() {
			return required;
		}

		List<String> dates() {
			return dates;
		}

		/** The kind of an export file, by Cliniko's file-name prefix ({@code Patients-Cliniko-…csv}); null if none. */
		static Kind of(Path file) {
			String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
			for (Kind kind : values()) {
				if (n.startsWith(kind.type.toLowerCase(Locale.ROOT) + "-cliniko-") && n.endsWith(".csv")) {
					return kind;
				}
			}
			return null;
		}
	}

	private final Path folder;

	/** Chosen file and format per type; null: choose the newest by name and detect. */
	private final Map<String, CsvFormat> formats;

	public ClinikoCsvExports(Path folder) {
		this(folder, null);
	}

	ClinikoCsvExports(Path folder, Map<String, CsvFormat> formats) {
		this.folder = folder;
		this.formats = formats == null ? null : Map.copyOf(formats);
	}

	public Path folder() {
		return folder;
	}

	/** The export file of a type ("Patients", "Appointments", "Invoices"), if present. */
	public Optional<Path> file(String type) {
		if (formats != null) {
			return Optional.ofNullable(formats.get(type)).map(CsvFormat::file);
		}
		return candidates(folder, type).stream().max(Comparator.comparing(p -> p.getFileName().toString()));
	}

	/** How the export file of a type is read, if present. */
	public Optional<CsvFormat> format(String type) {
		return formats != null ? Optional.ofNullable(formats.get(type)) : file(type).map(CsvFormat::detect);
	}

	/** A reader of the export of a type; it reads nothing when the folder has none. */
	public <T> ClinikoCsvReader<T> reader(String name, String type, CsvRowMapper<T> mapper) {
		return new ClinikoCsvReader<>(name, format(type).orElse(null), mapper);
	}

	/** Every export file of a kind in a folder, in no particular order. */
	static List<Path> candidates(Path folder, String type) {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(Files::isRegularFile)
				.filter(p -> Kind.of(p) != null && Kind.of(p).type().equals(type))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + folder, ex);
		}
	}

	/** Patients export row → patient. */
	public static final CsvRowMapper<ClinikoPatient> PATIENTS = new CsvRowMapper<>() {
		@Override
		public ClinikoPatient map(CsvRow r) {
			Long id = r.id("Patient ID");
			if (id == null) {
				throw new ClinikoValueException("Patient ID", "missing patient id");
			}
			return new ClinikoPatient(id, r.text("First Name"), r.text("Last Name"), r.text("Preferred First Name"),
					r.text("Email"), r.date("Date of Birth"), r.text("Sex"), r.text("Gender Identity"),
					r.text("Occupation"), r.rawText("Emergency Contact"), r.text("Address1"), r.text("Address2"),
					r.text("Address3"), r.text("City"), r.text("State"), r.text("Post code"), r.text("Country"),
					r.text("PhoneMobile"), r.text("PhoneHome"), r.text("PhoneWork"), r.text("PhoneOther"),
					r.rawText("Medical Alerts"), joinReferral(r), null, null, r.instant("Created At"),
					r.instant("Updated At"), null, List.of());
		}

		@Override
		public String idOf(CsvRow row) {
			Long id = row.id("Patient ID");
			return id == null ? null : id.toString();
		}
	};

	private static String joinReferral(CsvRow r) {
		String joined = Stream.of(r.text("Referral Type"), r.text("Referral Type Subcategory"),
				r.rawText("Referral Extra Information"))
			.filter(s -> s != null)
			.reduce((a, b) -> a + " / " + b)
			.orElse(null);
		return joined;
	}

	/**
	 * Appointments export row → individual appointment. Unavailable blocks and group
	 * appointments ({@code Maximum Number of Patients} other than 1) are passed over.
	 */
	public static final CsvRowMapper<ClinikoAppointment> APPOINTMENTS = new CsvRowMapper<>() {
		@Override
		public ClinikoAppointment map(CsvRow r) {
			String type = r.text("Appointment Type");
			if (type != null && type.startsWith("Unavailable")) {
				return null;
			}
			if (r.has("Maximum Number of Patients")) {
				Long max = r.number("Maximum Number of Patients");
				if (max == null || max != 1) {
					return null;
				}
			}
			else if (r.text("Patient ID(s)") != null && r.text("Patient ID(s)").matches(".*\\d[,;|\\s]+\\d.*")) {
				return null; // several patients: a group appointment, in an export without the column
			}
			Long id = r.id("Appointment ID");
			if (id == null) {
				throw new ClinikoValueException("Appointment ID", "missing appointment id");
			}
			Long patient = firstId(r, "Patient ID(s)");
			if (patient == null) {
				patient = firstId(r, "Cancelled Patient ID(s)");
			}
			if (patient == null) {
				throw new ClinikoValueException("Patient ID(s)", "no patient on an individual appointment");
			}
			return new ClinikoAppointment(id, r.instant("Start Time"), r.instant("End Time"), patient,
					r.id("Practitioner ID"), r.text("Practitioner"), type, r.text("Business"),
					r.rawText("Appointment Notes"), r.bool("Patient Arrived"), r.bool("Did Not Arrive"),
					r.instant("Cancellation Time"), r.text("Cancellation Reason"), r.instant("Created At"), null);
		}

		@Override
		public String idOf(CsvRow row) {
			Long id = row.id("Appointment ID");
			return id == null ? null : id.toString();
		}
	};

	private static Long firstId(CsvRow r, String column) {
		String value = r.text(column);
		if (value == null || value.equalsIgnoreCase("N/A")) {
			return null;
		}
		String first = value.split("[,;|\\s]+")[0];
		return CsvRow.parseId(column, first);
	}

	/** Invoices export row → invoice. */
	public static final CsvRowMapper<ClinikoInvoice> INVOICES = new CsvRowMapper<>() {
		@Override
		public ClinikoInvoice map(CsvRow r) {
			Long id = r.id("ID");
			if (id == null) {
				throw new ClinikoValueException("ID", "missing invoice id");
			}
			String statusText = r.text("Status");
			int status = statusText == null ? -1 : ClinikoInvoice.statusCode(statusText);
			if (status < 0) {
				throw new ClinikoValueException("Status",
						"unknown invoice status, expected Open, Paid, Closed or Open credit");
			}
			BigDecimal total = r.decimal("Invoice Amount");
			return new ClinikoInvoice(id, r.number("Invoice Number"), r.date("Issue Date"), status, total,
					r.decimal("Sub-Total Amount"), r.decimal("Tax Amount"), r.decimal("Outstanding Balance"),
					r.id("Patient ID"), null, r.text("Practitioner"), null, null);
		}

		@Override
		public String idOf(CsvRow row) {
			Long id = row.id("ID");
			return id == null ? null : id.toString();
		}
	};

	/** Practitioner names and ids that appear in the Appointments and Invoices exports. */
	public List<ClinikoPractitioner> practitioners() {
		java.util.Map<String, ClinikoPractitioner> byName = new java.util.LinkedHashMap<>();
		scan("Appointments", r -> {
			String name = r.text("Practitioner");
			if (name != null) {
				Long id = null;
				try {
					id = r.id("Practitioner ID");
				}
				catch (ClinikoValueException ex) {
					// the row itself is rejected by the appointments step
				}
				Long known = id;
				byName.merge(name, new ClinikoPractitioner(known, name, null, null, null, true),
						(a, b) -> a.id() != null ? a : b);
			}
		});
		scan("Invoices", r -> {
			String name = r.text("Practitioner");
			if (name != null) {
				byName.putIfAbsent(name, new ClinikoPractitioner(null, name, null, null, null, true));
			}
		});
		return List.copyOf(byName.values());
	}

	/**
	 * Reads every well-formed row of the export of a type, if the folder has one (malformed rows
	 * are left to the steps to report; a {@link ClinikoValueException} from the consumer passes the row over).
	 */
	public void scan(String type, java.util.function.Consumer<CsvRow> consumer) {
		format(type).ifPresent(f -> scan(new ClinikoCsvReader<>("scan", f, row -> row), consumer));
	}

	/** Reads every well-formed row of a file, its format detected (see {@link #scan(String, java.util.function.Consumer)}). */
	public static void scan(Path file, java.util.function.Consumer<CsvRow> consumer) {
		scan(new ClinikoCsvReader<>("scan", file, row -> row), consumer);
	}

	private static void scan(ClinikoCsvReader<CsvRow> reader, java.util.function.Consumer<CsvRow> consumer) {
		reader.open(new org.springframework.batch.infrastructure.item.ExecutionContext());
		try {
			SourceItem<CsvRow> item;
			while ((item = reader.read()) != null) {
				if (!item.isRejected()) {
					try {
						consumer.accept(item.record());
					}
					catch (ClinikoValueException ex) {
						// reported by the step that reads this file
					}
				}
			}
		}
		finally {
			reader.close();
		}
	}
}
