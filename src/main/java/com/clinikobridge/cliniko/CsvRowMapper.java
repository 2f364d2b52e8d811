package com.clinikobridge.cliniko;

/**
 * Turns one CSV export row into a Cliniko record.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface CsvRowMapper<T> {

	/**
	 * @return the record, or null when the row is not of this object type (for example an
	 * unavailable block in the Appointments export) and is to be passed over
	 * @throws ClinikoValueException when a value cannot be parsed
	 */
	T map(CsvRow row);

	/** The Cliniko id of a row, for reports, read leniently (null when absent or bad). */
	default String idOf(CsvRow row) {
		return null;
	}
}
