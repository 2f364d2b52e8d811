package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.cliniko.CsvPreflight;
import com.clinikobridge.cliniko.CsvPreflightException;

/**
 * The {@code --source} option: {@code api} (the Cliniko REST API) or {@code csv:DIR} (a folder
 * of Cliniko CSV exports). A CSV source's text carries its CSV options after the folder, as on a
 * command line ({@code csv:DIR --csv-file=Patients-Cliniko-20261120.csv --csv-encoding=windows-1252
 * --csv-date-order=dmy}), so that a run stored with it is restarted with the same choices.
 *
 * @param text the source as stored with a run
 * @param csvFolder the folder of a CSV source, else null
 * @param csv the checked exports of a CSV source ({@link CsvPreflight}), else null
 */
public record SourceSpec(String text, Path csvFolder, ClinikoCsvExports csv) {

	private static final String FILE = " --csv-file=";

	private static final String ENCODING = " --csv-encoding=";

	private static final String DATE_ORDER = " --csv-date-order=";

	/** {@code --source} with the CSV options of the command line, as {@link #parse} reads it. */
	public static String withCsvOptions(String source, List<String> files, String encoding, String dateOrder) {
		boolean any = files != null && !files.isEmpty() || encoding != null || dateOrder != null;
		if (!any) {
			return source;
		}
		if (source == null || !source.startsWith("csv:")) {
			throw new ConfigurationException("--csv-file, --csv-encoding and --csv-date-order go with --source=csv:DIR");
		}
		StringBuilder text = new StringBuilder(source);
		(files == null ? List.<String>of() : files).forEach(f -> text.append(FILE).append(f));
		if (encoding != null) {
			text.append(ENCODING).append(encoding);
		}
		if (dateOrder != null) {
			text.append(DATE_ORDER).append(dateOrder);
		}
		return text.toString();
	}

	/**
	 * @throws ConfigurationException naming {@code --source} when the value is not usable, or
	 * listing the problems of a CSV folder's exports (one message each)
	 */
	public static SourceSpec parse(String text) {
		if (text == null || text.isBlank()) {
			throw new ConfigurationException("--source is required: api or csv:DIR");
		}
		if (text.equals("api")) {
			return new SourceSpec(text, null, null);
		}
		if (text.startsWith("csv:") && text.length() > 4) {
			String[] parts = text.substring(4).split("(?= --csv-(file|encoding|date-order)=)");
			Path folder = Path.of(parts[0]);
			if (!Files.isDirectory(folder)) {
				throw new ConfigurationException("--source: " + folder + " is not a folder");
			}
			List<String> files = new ArrayList<>();
			String encoding = null;
			String dateOrder = null;
			for (int i = 1; i < parts.length; i++) {
				String part = parts[i];
				String value = part.substring(part.indexOf('=') + 1);
				if (part.startsWith(FILE)) {
					files.add(value);
				}
				else if (part.startsWith(ENCODING)) {
					encoding = value;
				}
				else {
					dateOrder = value;
				}
			}
			try {
				ClinikoCsvExports exports = CsvPreflight.check(folder,
						new CsvPreflight.Options(files, encoding, dateOrder));
				return new SourceSpec(text, folder, exports);
			}
			catch (CsvPreflightException ex) {
				throw new ConfigurationException(ex.getMessage());
			}
		}
		throw new ConfigurationException("--source must be api or csv:DIR, not '" + text + "'");
	}

	public boolean isCsv() {
		return csvFolder != null;
	}
}
