package com.clinikobridge.cliniko;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One row of a Cliniko CSV export, addressed by header name (never by position), with parsers
 * for the value formats of real exports (CSV-EXPORTS.md §4). A column missing from the header
 * reads as null; blank reads as null. Parse failures throw {@link ClinikoValueException} naming
 * the column.
 */
public final class CsvRow {

	private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");

	private static final DateTimeFormatter LOCAL_WITH_OFFSET = DateTimeFormatter
		.ofPattern("yyyy-MM-dd HH:mm:ss xx", Locale.ROOT);

	private static final DateTimeFormatter DAY_FIRST = DateTimeFormatter.ofPattern("d/M/yyyy", Locale.ROOT);

	private static final DateTimeFormatter MONTH_FIRST = DateTimeFormatter.ofPattern("M/d/yyyy", Locale.ROOT);

	/** A date with slashes whose first two parts may be day and month in either order. */
	static final Pattern SLASHED_DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})");

	private final Map<String, Integer> header;

	private final String[] values;

	private final CsvFormat.DateOrder dateOrder;

	CsvRow(Map<String, Integer> header, String[] values) {
		this(header, values, CsvFormat.DateOrder.DMY);
	}

	/** @param dateOrder how {@link #date} reads {@code 03/04/2024} (null: day first) */
	CsvRow(Map<String, Integer> header, String[] values, CsvFormat.DateOrder dateOrder) {
		this.header = header;
		this.values = values;
		this.dateOrder = dateOrder == null ? CsvFormat.DateOrder.DMY : dateOrder;
	}

	/** Whether the export has this column at all (header names compare case-insensitively). */
	public boolean has(String column) {
		return header.containsKey(key(column));
	}

	static String key(String column) {
		return column.trim().toLowerCase(java.util.Locale.ROOT);
	}

	/** The trimmed text of a column, or null when the column is missing or blank. */
	public String text(String column) {
		Integer index = header.get(key(column));
		if (index == null || index >= values.length) {
			return null;
		}
		String value = values[index].trim();
		return value.isEmpty() ? null : value;
	}

	/** Like {@link #text} but keeps inner line breaks and spacing as exported. */
	public String rawText(String column) {
		Integer index = header.get(key(column));
		if (index == null || index >= values.length || values[index].isBlank()) {
			return null;
		}
		return values[index].strip();
	}

	/** A Cliniko id: plain digits or Excel-escaped {@code ="123"}; scientific notation is refused. */
	public Long id(String column) {
		String value = text(column);
		if (value == null || value.equalsIgnoreCase("N/A")) {
			return null;
		}
		return parseId(column, value);
	}

	static Long parseId(String column, String raw) {
		String value = raw.trim();
		if (value.startsWith("=\"") && value.endsWith("\"") && value.length() >= 3) {
			value = value.substring(2, value.length() - 1);
		}
		if (DIGITS.matcher(value).matches()) {
			try {
				return Long.parseLong(value);
			}
			catch (NumberFormatException ex) {
				throw new ClinikoValueException(column, "id out of 64-bit range: " + value);
			}
		}
		if (value.matches("[0-9.]+[eE][+-]?\\d+")) {
			throw new ClinikoValueException(column,
					"id in scientific notation (file re-saved in Excel), the real id cannot be recovered");
		}
		throw new ClinikoValueException(column, "not an id: expected digits");
	}

	/** A timestamp {@code 2025-03-01 09:15:00 +0800} (local time with offset) or ISO-8601, as UTC. */
	public Instant instant(String column) {
		String value = text(column);
		if (value == null || value.equalsIgnoreCase("N/A")) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value, LOCAL_WITH_OFFSET).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				return OffsetDateTime.parse(value).toInstant();
			}
			catch (DateTimeParseException ex2) {
				throw new ClinikoValueException(column,
						"unparseable time, expected YYYY-MM-DD HH:MM:SS +HHMM");
			}
		}
	}

	/**
	 * A date {@code YYYY-MM-DD}; a date rewritten by Excel ({@code d/m/yyyy} or {@code m/d/yyyy})
	 * is read in the file's date order, decided once for the whole file by {@link CsvPreflight}.
	 */
	public LocalDate date(String column) {
		String value = text(column);
		if (value == null || value.equalsIgnoreCase("N/A")) {
			return null;
		}
		try {
			return LocalDate.parse(value);
		}
		catch (DateTimeParseException ex) {
			try {
				return LocalDate.parse(value, dateOrder == CsvFormat.DateOrder.MDY ? MONTH_FIRST : DAY_FIRST);
			}
			catch (DateTimeParseException ex2) {
				throw new ClinikoValueException(column, "unparseable date, expected YYYY-MM-DD or "
						+ (dateOrder == CsvFormat.DateOrder.MDY ? "m/d/yyyy" : "d/m/yyyy"));
			}
		}
	}

	/** {@code true}/{@code false} in any case; blank and {@code N/A} are null. */
	public Boolean bool(String column) {
		String value = text(column);
		if (value == null || value.equalsIgnoreCase("N/A")) {
			return null;
		}
		if (value.equalsIgnoreCase("true")) {
			return Boolean.TRUE;
		}
		if (value.equalsIgnoreCase("false")) {
			return Boolean.FALSE;
		}
		throw new ClinikoValueException(column, "not a boolean, expected true or false");
	}

	/** A decimal such as {@code 110.0} or {@code -45}; blank is null. */
	public BigDecimal decimal(String column) {
		String value = text(column);
		if (value == null || value.equalsIgnoreCase("N/A")) {
			return null;
		}
		try {
			return new BigDecimal(value);
		}
		catch (NumberFormatException ex) {
			throw new ClinikoValueException(column, "not a number");
		}
	}

	/** A whole number; blank is null. */
	public Long number(String column) {
		BigDecimal value = decimal(column);
		if (value == null) {
			return null;
		}
		try {
			return value.longValueExact();
		}
		catch (ArithmeticException ex) {
			throw new ClinikoValueException(column, "not a whole number");
		}
	}
}
