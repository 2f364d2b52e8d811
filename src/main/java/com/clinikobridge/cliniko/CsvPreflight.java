package com.clinikobridge.cliniko;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import com.clinikobridge.cliniko.ClinikoCsvExports.Kind;
import com.opencsv.RFC4180ParserBuilder;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Checks a folder of Cliniko CSV exports before anything is written anywhere, and decides how
 * each file is read: one export per kind (by Cliniko's file-name prefix, or chosen with
 * {@code --csv-file}), its encoding (BOM, else UTF-8 when valid, else Windows-1252; or
 * {@code --csv-encoding}), its separator (comma, semicolon or tab, from the header row), the
 * columns its mapping needs, at least one record, and one date order for the whole file
 * ({@code 13/02/2024} proves day-first; a file whose dates are all ambiguous needs
 * {@code --csv-date-order}). Reads each file twice, streaming, never more than one record (1 MB) at a time.
 */
public final class CsvPreflight {

	/**
	 * What the command line asked for.
	 * @param files {@code --csv-file} values: file names in the folder, or paths (may be empty)
	 * @param encoding {@code --csv-encoding}, a Java charset name; null to detect per file
	 * @param dateOrder {@code --csv-date-order}, {@code dmy} or {@code mdy}; null to decide per file
	 */
	public record Options(List<String> files, String encoding, String dateOrder) {

		public static final Options NONE = new Options(List.of(), null, null);

		public Options {
			files = files == null ? List.of() : List.copyOf(files);
		}
	}

	private final Path folder;

	private final List<String> problems = new ArrayList<>();

	private CsvPreflight(Path folder) {
		this.folder = folder;
	}

	/**
	 * @return the exports to read: the chosen file of each kind present, with its format
	 * @throws CsvPreflightException listing every problem found (exit code 2 for the CLI)
	 */
	public static ClinikoCsvExports check(Path folder, Options options) {
		CsvPreflight preflight = new CsvPreflight(folder);
		Charset charset = preflight.charset(options.encoding());
		CsvFormat.DateOrder order = preflight.dateOrder(options.dateOrder());
		Map<Kind, Path> files = preflight.choose(options.files());
		Map<String, CsvFormat> formats = new HashMap<>();
		if (preflight.problems.isEmpty()) {
			files.forEach((kind, file) -> {
				CsvFormat format = preflight.inspect(kind, file, charset, order);
				if (format != null) {
					formats.put(kind.type(), format);
				}
			});
		}
		if (!preflight.problems.isEmpty()) {
			throw new CsvPreflightException(preflight.problems);
		}
		return new ClinikoCsvExports(folder, formats);
	}

	private Charset charset(String name) {
		if (name == null) {
			return null;
		}
		try {
			return Charset.forName(name.trim());
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			problems.add("--csv-encoding: '" + name + "' is not an encoding Java knows; use for example UTF-8,"
					+ " windows-1252, UTF-16LE or UTF-16BE, or leave the option out to detect each file's encoding.");
			return null;
		}
	}

	private CsvFormat.DateOrder dateOrder(String text) {
		CsvFormat.DateOrder order = CsvFormat.DateOrder.of(text);
		if (text != null && order == null) {
			problems.add("--csv-date-order must be dmy (day first: 13/02/2024) or mdy (month first: 02/13/2024),"
					+ " not '" + text + "'.");
		}
		return order;
	}

	/** One file per kind: the one named with --csv-file, else the only one in the folder. */
	private Map<Kind, Path> choose(List<String> named) {
		Map<Kind, Path> chosen = new EnumMap<>(Kind.class);
		for (String name : named) {
			Path file = folder.resolve(name);
			Kind kind = Kind.of(file);
			if (!Files.isRegularFile(file)) {
				problems.add("--csv-file: " + name + " is not a file in " + folder + "; give the name of one of"
						+ " its Cliniko exports, e.g. --csv-file=Patients-Cliniko-20261120.csv.");
			}
			else if (kind == null) {
				problems.add("--csv-file: " + name + " is not named like a Cliniko export (Patients-Cliniko-….csv,"
						+ " Appointments-Cliniko-….csv or Invoices-Cliniko-….csv); rename it with its kind's prefix.");
			}
			else if (chosen.containsKey(kind)) {
				problems.add("--csv-file names two " + kind.type() + " exports, " + chosen.get(kind).getFileName()
						+ " and " + file.getFileName() + "; give one --csv-file per kind.");
			}
			else {
				chosen.put(kind, file);
			}
		}
		for (Kind kind : Kind.values()) {
			if (!chosen.containsKey(kind)) {
				chooseOnly(kind, chosen);
			}
		}
		if (!chosen.containsKey(Kind.PATIENTS) && problems.isEmpty()) {
			problems.add("--source: " + folder + " has no Patients-Cliniko-*.csv export (Cliniko's file name)");
		}
		return chosen;
	}

	private void chooseOnly(Kind kind, Map<Kind, Path> chosen) {
		List<Path> candidates = ClinikoCsvExports.candidates(folder, kind.type())
			.stream()
			.sorted(Comparator.comparing(p -> p.getFileName().toString()))
			.toList();
		if (candidates.size() == 1) {
			chosen.put(kind, candidates.get(0));
		}
		else if (candidates.size() > 1) {
			List<String> names = candidates.stream().map(p -> p.getFileName().toString()).toList();
			problems.add(folder + " holds " + names.size() + " " + kind.type() + " exports: " + String.join(", ", names)
					+ ". Choose one with --csv-file=" + names.get(names.size() - 1)
					+ " (or another of them), or move the others out of the folder.");
		}
	}

	/** The format of one file, or null after adding its problems. */
	private CsvFormat inspect(Kind kind, Path file, Charset override, CsvFormat.DateOrder order) {
		String name = file.getFileName().toString();
		try {
			Charset charset = override != null ? override : CsvFormat.detectCharset(file);
			String header;
			try (CsvRecordFramer framer = new CsvRecordFramer(CsvFormat.reader(file, charset))) {
				header = framer.headerLine();
			}
			if (header == null || header.isBlank()) {
				problems.add(name + " is empty (no header row on line 1). Export " + kind.type()
						+ " again from Cliniko (Settings → Data exports), or move the file out of the folder.");
				return null;
			}
			CsvFormat format = new CsvFormat(file, charset, CsvFormat.detectSeparator(header), CsvFormat.DateOrder.DMY);
			if (!hasRequiredColumns(kind, format, header)) {
				return null;
			}
			return scanRecords(kind, format, order);
		}
		catch (IOException | UncheckedIOException ex) {
			problems.add("Cannot read " + name + ": " + ex.getMessage() + ". Check that the file is readable.");
			return null;
		}
	}

	private boolean hasRequiredColumns(Kind kind, CsvFormat format, String header) throws IOException {
		String[] names = new RFC4180ParserBuilder().withSeparator(format.separator()).build().parseLine(header);
		List<String> present = new ArrayList<>();
		for (String n : names) {
			present.add(CsvRow.key(n));
		}
		List<String> missing = kind.required().stream().filter(c -> !present.contains(CsvRow.key(c))).toList();
		if (missing.isEmpty()) {
			return true;
		}
		problems.add(format.file().getFileName() + " line 1 (header row) lacks the column"
				+ (missing.size() > 1 ? "s " : " ") + "'" + String.join("', '", missing) + "' that the " + kind.type()
				+ " mapping needs (it has " + names.length + " " + format.separatorName() + "-separated columns, read as "
				+ format.charset().name() + "). Export " + kind.type() + " again from Cliniko, or restore the header"
				+ " name" + (missing.size() > 1 ? "s" : "") + " exactly as Cliniko writes " + (missing.size() > 1 ? "them" : "it") + ".");
		return false;
	}

	/** Counts the records and decides the date order from every date value. */
	private CsvFormat scanRecords(Kind kind, CsvFormat format, CsvFormat.DateOrder override) {
		DateEvidence dates = new DateEvidence();
		long records = 0;
		ClinikoCsvReader<CsvRow> reader = new ClinikoCsvReader<>("preflight", format, row -> row);
		reader.open(new ExecutionContext());
		try {
			SourceItem<CsvRow> item;
			while ((item = reader.read()) != null) {
				records++;
				if (!item.isRejected()) {
					String line = item.sourceRef().substring(item.sourceRef().lastIndexOf(' ') + 1);
					for (String column : kind.dates()) {
						dates.add(column, line, item.record().text(column));
					}
				}
			}
		}
		finally {
			reader.close();
		}
		String name = format.file().getFileName().toString();
		if (records == 0) {
			problems.add(name + " has a header row but no records. Export " + kind.type() + " again from Cliniko"
					+ " with the date range that holds the records (Settings → Data exports), or move the file out"
					+ " of the folder.");
			return null;
		}
		CsvFormat.DateOrder order = override != null ? override : dates.decide(name, problems);
		return order == null ? null : format.withDateOrder(order);
	}

	/** The date values of one file: which prove day-first, which month-first, which are ambiguous. */
	private static final class DateEvidence {

		private String dayFirst;

		private String monthFirst;

		private String ambiguous;

		void add(String column, String line, String value) {
			if (value == null) {
				return;
			}
			Matcher m = CsvRow.SLASHED_DATE.matcher(value);
			if (!m.matches()) {
				return; // ISO, N/A or unparseable: the row's own concern
			}
			int first = Integer.parseInt(m.group(1));
			int second = Integer.parseInt(m.group(2));
			String where = "line " + line + ", column '" + column + "': " + value;
			if (first > 12 && second <= 12 && dayFirst == null) {
				dayFirst = where;
			}
			else if (second > 12 && first <= 12 && monthFirst == null) {
				monthFirst = where;
			}
			else if (first <= 12 && second <= 12 && ambiguous == null) {
				ambiguous = where;
			}
		}

		/** The file's date order, or null after adding the problem. */
		CsvFormat.DateOrder decide(String file, List<String> problems) {
			if (dayFirst != null && monthFirst != null) {
				problems.add(file + " mixes date orders: " + dayFirst + " is day-first but " + monthFirst
						+ " is month-first. Correct those dates, or pass --csv-date-order=dmy or --csv-date-order=mdy"
						+ " to read every date of the file one way (dates that do not fit are rejected).");
				return null;
			}
			if (dayFirst != null) {
				return CsvFormat.DateOrder.DMY;
			}
			if (monthFirst != null) {
				return CsvFormat.DateOrder.MDY;
			}
			if (ambiguous != null) {
				problems.add(file + ": every date could be day-first or month-first (e.g. " + ambiguous
						+ "), and they are not in ISO form (YYYY-MM-DD). Pass --csv-date-order=dmy if 03/04/2024"
						+ " means 3 April, or --csv-date-order=mdy if it means March 4.");
				return null;
			}
			return CsvFormat.DateOrder.DMY;
		}
	}
}
