package com.clinikobridge.job;

import java.util.concurrent.atomic.AtomicBoolean;

import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job repository's database connection is lost in the middle of a run (issue 13): the
 * console gets one line saying so and how to resume, never the driver's SQL or bound values.
 */
class DatabaseLostFunctionalTests extends FunctionalTestBase {

	@Test
	void aLostDatabaseConnectionIsOneLineWithoutSqlAndTheRunResumes() {
		try (ClinicScenario s = new ClinicScenario(61, 40, work)) {
			// given PostgreSQL terminates every other session while the run writes its first contacts
			AtomicBoolean done = new AtomicBoolean();
			s.hubspot.alterOnWrite("contacts", "firstname", value -> {
				if (done.compareAndSet(false, true)) {
					jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
							+ " WHERE datname = current_database() AND pid <> pg_backend_pid()");
				}
				return value;
			});

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then the run stops restartable, saying the connection was lost, with no SQL on the console
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			assertThat(done).isTrue();
			String console = s.out + s.err;
			assertThat(console).contains("the job repository's database connection was lost (SQLState 08003)");
			assertThat(console).doesNotContainIgnoringCase("insert into").doesNotContainIgnoringCase("update ")
				.doesNotContainIgnoringCase("select ").doesNotContain("PSQLException").doesNotContain("\tat ");

			// and once the database is back the run resumes and completes
			String runId = s.lastRunId();
			s.hubspot.alterOnWrite("contacts", "firstname", value -> value);
			int restarted = s.run(commands, "restart", runId);
			assertThat(restarted).as(s.out + s.err).isIn(0, 3);
			assertThat(s.hubspot.records("contacts")).hasSize(s.clinic.patients().size());
		}
	}
}
