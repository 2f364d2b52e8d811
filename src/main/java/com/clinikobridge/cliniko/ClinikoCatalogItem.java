package com.clinikobridge.cliniko;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A billable item or a product (Cliniko 2025 OpenAPI, BillableItem and Product), both of which
 * become HubSpot products.
 *
 * @param key {@code billable_item:<id>} or {@code product:<id>}
 * @param price billable item {@code price}, or product {@code price_including_tax}
 * @param description product {@code notes}; null for billable items
 */
public record ClinikoCatalogItem(String key, String name, String itemCode, BigDecimal price, String description,
		Instant archivedAt, Instant updatedAt) {

	public static String billableItemKey(long id) {
		return "billable_item:" + id;
	}

	public static String productKey(long id) {
		return "product:" + id;
	}
}
