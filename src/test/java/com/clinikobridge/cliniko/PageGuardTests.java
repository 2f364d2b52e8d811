package com.clinikobridge.cliniko;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageGuardTests {

	@Test
	void aPageReadTwiceStopsTheWalkNamingTheEndpoint() {
		// given a walk that read two pages
		PageGuard guard = new PageGuard("/patients");
		guard.visit("/patients?per_page=100");
		guard.visit("/patients?per_page=100&page=2");

		// when the next link points back to the second page, then the walk stops
		assertThat(guard.visited("/patients?per_page=100&page=2")).isTrue();
		assertThatThrownBy(() -> guard.visit("/patients?per_page=100&page=2"))
			.isInstanceOf(PageGuard.PaginationException.class)
			.hasMessageContaining("Cliniko list /patients does not end")
			.hasMessageContaining("page already read");
	}

	@Test
	void moreRecordsThanTotalEntriesAndTheMarginStopTheWalk() {
		// given a list of 1,000 records: 10% and 100 more are tolerated (records added during the walk)
		PageGuard guard = new PageGuard("/invoices", 1100);

		// when the walk reaches 1,200 records it is still fine, and one more page ends it
		guard.received(100, 1000);
		assertThat(guard.received()).isEqualTo(1200);
		assertThatThrownBy(() -> guard.received(1, 1000)).isInstanceOf(PageGuard.PaginationException.class)
			.hasMessageContaining("/invoices")
			.hasMessageContaining("1201 records read where its total_entries is 1000 (at most 1200 expected)");
	}

	@Test
	void pagesWithoutTotalEntriesAreNotCounted() {
		// given pages that do not say how many records the list has
		PageGuard guard = new PageGuard("/contacts");

		// when many records come, then only a repeated page would stop the walk
		guard.received(100_000, -1);
		assertThat(guard.received()).isEqualTo(100_000);
	}
}
