package com.clinikobridge.ledger;

import com.clinikobridge.support.PostgresTestBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresPlanningTests extends PostgresTestBase {

	@Test
	void pooledPostgresConnectionsPlanEachLookupForTheTableAsItIsNow() {
		// given the context's pool on PostgreSQL
		// when a connection is asked for its plan cache mode
		String mode = jdbc.queryForObject("SHOW plan_cache_mode", String.class);
		// then repeated ledger lookups are not stuck with a plan made for an empty table
		assertThat(mode).isEqualTo("force_custom_plan");
	}

}
