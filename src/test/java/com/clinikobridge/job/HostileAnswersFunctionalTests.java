package com.clinikobridge.job;

import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile answers in the middle of a run (issue 13): pagination that never ends, and answers that
 * are not the API's (a proxy's HTML page with any status). Each either is retried and the run
 * completes exactly, or the run fails restartable (exit 1) naming the endpoint, with no record
 * rejected for it.
 */
class HostileAnswersFunctionalTests extends FunctionalTestBase {

	@Test
	void aNextLinkBackToAPageAlreadyReadFailsTheRunNamingTheList() {
		try (ClinicScenario s = new ClinicScenario(31, 150, work)) {
			// given a patients list whose last page links to itself
			s.cliniko.loopingNext("patients");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the run stops restartable, naming the list, having read each page once
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			assertThat(s.out).contains("Cliniko list /patients does not end").contains("page already read")
				.contains("restart " + s.lastRunId());
			assertThat(s.cliniko.requestCount("/v1/patients")).isLessThan(10);
			assertThat(s.summary(s.lastRunId()).path("status").asString()).isEqualTo("FAILED");
		}
	}

	@Test
	void aListLongerThanItsTotalEntriesFailsTheRunInsteadOfReadingForEver() {
		try (ClinicScenario s = new ClinicScenario(32, 40, work)) {
			// given a patients list that goes on and on, repeating its records
			s.cliniko.endlessList("patients");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the run stops once far more records came than total_entries said, naming the list
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			assertThat(s.out).contains("Cliniko list /patients does not end").contains("total_entries is 40");
			assertThat(s.cliniko.requestCount("/v1/patients")).isLessThan(10);
		}
	}

	@Test
	void aFewProxyPagesFromClinikoAreRetriedAndTheRunCompletes() {
		try (ClinicScenario s = new ClinicScenario(33, 30, work)) {
			// given a proxy in front of Cliniko that answers HTML, with 200 and 404 alike
			s.cliniko.proxyErrors(2, 200);

			// when
			int first = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the pages were read again and nothing is missing
			assertThat(first).as(s.out + s.err).isZero();
			assertThat(s.hubspot.records("contacts")).isNotEmpty();
			JsonNode summary = s.summary(s.lastRunId());
			assertThat(summary.path("objects").path("patients").path("read").asLong())
				.isEqualTo(s.clinic.patients().size());
			assertThat(summary.path("http").path("cliniko").path("retried").asLong()).isGreaterThanOrEqualTo(2);
		}
	}

	@Test
	void manyProxyPagesFromClinikoFailTheRunNamingTheEndpoint() {
		try (ClinicScenario s = new ClinicScenario(34, 30, work)) {
			// given a proxy in front of Cliniko that answers 404 HTML pages for good
			s.settings.put("CLINIKO_BRIDGE_MAX_ATTEMPTS", "3");
			s.cliniko.proxyErrors(1000, 404);

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the run fails restartable, saying which request got what, and nothing was written
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			assertThat(s.out + s.err).contains("Cliniko GET /").contains("failed after 3 attempts")
				.contains("404 with a body that is not a Cliniko answer");
			assertThat(s.hubspot.records("contacts")).isEmpty();
		}
	}

	@Test
	void aFewProxyErrorPagesFromHubSpotAreRetriedAndNoRecordIsRejected() {
		try (ClinicScenario s = new ClinicScenario(35, 60, work)) {
			// given a proxy in front of HubSpot that answers the first batch creates with a 400 HTML page
			s.hubspot.proxyErrors(3, 400, "create");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the creates were sent again (not taken for a refused batch), the run completed and no record was rejected
			assertThat(exit).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(s.lastRunId());
			assertThat(summary.path("objects").path("patients").path("rejected").asLong()).isZero();
			assertThat(summary.path("objects").path("patients").path("read").asLong())
				.isEqualTo(s.clinic.patients().size());
			assertThat(s.hubspot.faultCount()).isEqualTo(3);
			assertThat(s.report(s.lastRunId(), "rejected.csv").lines().count()).isEqualTo(1);
		}
	}

	@Test
	void manyProxyErrorPagesFromHubSpotFailTheRunNamingTheEndpointWithoutRejectingOrBisecting() {
		try (ClinicScenario s = new ClinicScenario(36, 60, work)) {
			// given a proxy in front of HubSpot that answers every batch create with a 400 HTML page
			s.settings.put("CLINIKO_BRIDGE_MAX_ATTEMPTS", "3");
			s.hubspot.proxyErrors(100_000, 400, "create");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the run fails restartable naming the endpoint, no record is rejected, and the batch
			// was neither taken as refused (no upsert fallback, no bisecting) nor cut in halves
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			String runId = s.lastRunId();
			assertThat(s.out).contains("HubSpot POST /crm/v3/objects/").contains("/batch/create failed after 3 attempts")
				.contains("400 with a body that is not a HubSpot answer").contains("restart " + runId);
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("status").asString()).isEqualTo("FAILED");
			summary.path("objects").forEach(o -> assertThat(o.path("rejected").asLong()).isZero());
			assertThat(s.report(runId, "rejected.csv").lines().count()).isEqualTo(1);
			assertThat(s.hubspot.kindCount("upsert")).isZero();
			assertThat(s.hubspot.kindCount("create")).isLessThanOrEqualTo(3 * 4);
			assertThat(s.hubspot.records("contacts")).isEmpty();
		}
	}
}
