package com.clinikobridge.cliniko;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An invoice item (Cliniko 2025 OpenAPI, InvoiceItem).
 *
 * @param catalogKey the billable item or product it was made from ({@code billable_item:<id>},
 * {@code product:<id>}), or null
 */
public record ClinikoInvoiceItem(long id, Long invoiceId, String name, String code, BigDecimal quantity,
		BigDecimal unitPrice, BigDecimal discountPercentage, BigDecimal taxRate, String catalogKey,
		Instant updatedAt) {
}
