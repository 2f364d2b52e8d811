package com.clinikobridge.cliniko;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A Cliniko invoice (Cliniko 2025 OpenAPI, Invoice; or a row of the Invoices CSV export).
 *
 * @param status 10 Open, 20 Paid, 30 Closed, 40 Open credit
 * @param outstandingBalance only the CSV export carries it; null from the API
 */
public record ClinikoInvoice(long id, Long number, LocalDate issueDate, int status,
		BigDecimal totalAmount, BigDecimal netAmount, BigDecimal taxAmount, BigDecimal outstandingBalance,
		Long patientId, Long practitionerId, String practitionerName, Instant createdAt,
		Instant updatedAt) {

	/** Cliniko's status names, by status code. */
	public static String statusName(int status) {
		return switch (status) {
			case 10 -> "Open";
			case 20 -> "Paid";
			case 30 -> "Closed";
			case 40 -> "Open credit";
			default -> "Unknown (" + status + ")";
		};
	}

	/** The status code for a status name as the CSV export writes it, or -1. */
	public static int statusCode(String name) {
		return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "open" -> 10;
			case "paid" -> 20;
			case "closed" -> 30;
			case "open credit" -> 40;
			default -> -1;
		};
	}
}
