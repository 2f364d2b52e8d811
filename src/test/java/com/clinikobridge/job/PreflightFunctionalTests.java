package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RequestLogEntry;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks at the door (issue 13): a key, token, scope, user agent or mapping file a restart could
 * never fix exits 2 with what to do, before HubSpot receives a single write.
 */
class PreflightFunctionalTests extends FunctionalTestBase {

	@Test
	void aTokenHubSpotRefusesExitsTwoNamingItBeforeAnyWrite() {
		try (ClinicScenario s = new ClinicScenario(81, 10, work)) {
			// given a token HubSpot does not know
			s.settings.put("HUBSPOT_ACCESS_TOKEN", "pat-na1-rotated");

			// when a migration starts, then it stops at the door naming the setting
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval")).isEqualTo(2);
			assertThat(s.err).contains("HUBSPOT_ACCESS_TOKEN was refused by HubSpot (401");
			assertThat(writes(s.hubspot)).isEmpty();
			assertThat(s.hubspot.requestCount()).isPositive();
		}
	}

	@Test
	void aTokenWithoutAScopeExitsTwoNamingTheScopeBeforeAnyWrite() {
		try (ClinicScenario s = new ClinicScenario(82, 10, work)) {
			// given a private-app token that may not write deals
			s.hubspot.withoutScopes("crm.objects.deals.write");

			// when a migration or a plan starts, then each names the scope and the full list
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval")).isEqualTo(2);
			assertThat(s.err).contains("lacks the scope(s) crm.objects.deals.write", "The bridge needs:",
					"crm.objects.owners.read");
			assertThat(s.run(commands, "plan", "--source=csv:" + s.csvFolder)).isEqualTo(2);
			assertThat(s.err).contains("crm.objects.deals.write");
			assertThat(writes(s.hubspot)).isEmpty();
		}
	}

	@Test
	void aClinikoKeyClinikoRefusesExitsTwoNamingItAndItsShard() {
		try (ClinicScenario s = new ClinicScenario(83, 10, work)) {
			// given a key Cliniko does not know
			s.settings.put("CLINIKO_API_KEY", "MS0xLWwrong-au1");

			// when an API migration starts, then it names the key and its shard suffix
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isEqualTo(2);
			assertThat(s.err).contains("CLINIKO_API_KEY was refused by Cliniko (401", "-au1");
			assertThat(writes(s.hubspot)).isEmpty();
		}
	}

	@Test
	void anApiSourceWithoutAUserAgentExitsTwoNamingIt() {
		try (ClinikoScenarioWithoutAgent s = new ClinikoScenarioWithoutAgent(work)) {
			// when an API migration or plan starts without CLINIKO_USER_AGENT
			assertThat(s.scenario.run(commands, "migrate", "--source=api", "--no-approval")).isEqualTo(2);
			assertThat(s.scenario.err).contains("CLINIKO_USER_AGENT is required for --source=api");
			assertThat(s.scenario.run(commands, "plan", "--source=api")).isEqualTo(2);
			assertThat(s.scenario.err).contains("CLINIKO_USER_AGENT");

			// then nothing reached HubSpot or Cliniko, and a CSV source does not need it
			assertThat(writes(s.scenario.hubspot)).isEmpty();
			assertThat(s.scenario.cliniko.requestCount()).isZero();
			assertThat(s.scenario.run(commands, "migrate", "--source=csv:" + s.scenario.csvFolder, "--dry-run")).isZero();
		}
	}

	@Test
	void migrateWithoutATokenIsNotADryRunBySurprise() {
		try (ClinicScenario s = new ClinicScenario(84, 10, work)) {
			// given no HubSpot token
			s.settings.put("HUBSPOT_ACCESS_TOKEN", "");

			// when migrate runs without --dry-run, then it exits 2 saying so; with --dry-run it rehearses
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval")).isEqualTo(2);
			assertThat(s.err).contains("HUBSPOT_ACCESS_TOKEN is not set", "--dry-run");
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--dry-run")).isZero();
			assertThat(s.hubspot.requestCount()).isZero();
		}
	}

	@Test
	void syncRefusesUntilAMigrationCompletedOrAPlanIsApproved() {
		try (ClinicScenario s = new ClinicScenario(85, 10, work)) {
			// given a portal nothing was migrated to
			// when a sync starts, then it exits 2 naming plan --approve
			assertThat(s.run(commands, "sync")).isEqualTo(2);
			assertThat(s.err).contains("no migration", "plan --source=api --approve");
			assertThat(writes(s.hubspot)).isEmpty();

			// and once the plan is approved, it runs
			assertThat(s.run(commands, "plan", "--source=api", "--approve")).isZero();
			assertThat(s.run(commands, "sync")).as(s.out + s.err).isIn(0, 3);
		}
	}

	@Test
	void aMappingFileWithAliasBombsOrTooLargeExitsTwoNamingIt() throws Exception {
		try (ClinicScenario s = new ClinicScenario(86, 10, work)) {
			// given a "billion laughs" mapping file and one over 1 MiB
			Path bomb = work.resolve("bomb.yml");
			StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
			for (char c = 'b'; c <= 'j'; c++) {
				char p = (char) (c - 1);
				yaml.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
					.append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
			}
			Files.writeString(bomb, yaml);
			Path large = work.resolve("large.yml");
			Files.writeString(large, "# " + "x".repeat(1024 * 1024) + "\n");

			// when migrate reads them, then each is refused with the file named
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval", "--mapping=" + bomb))
				.isEqualTo(2);
			assertThat(s.err).contains("bomb.yml");
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval", "--mapping=" + large))
				.isEqualTo(2);
			assertThat(s.err).contains("large.yml", "larger than");
			assertThat(writes(s.hubspot)).isEmpty();
		}
	}

	@Test
	void aValueLongerThanHubSpotKeepsRejectsThatRecordOnly() throws Exception {
		try (ClinicScenario s = new ClinicScenario(88, 10, work)) {
			// given a Patients export whose first patient has a 70,000-character occupation
			String id = s.setFirstPatientValue("Occupation", "x".repeat(70_000));

			// when it is migrated
			int exit = s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval");

			// then that patient alone is rejected, naming the property, and the rest land
			assertThat(exit).as(s.out + s.err).isEqualTo(3);
			String rejected = s.report(s.lastRunId(), "rejected.csv");
			assertThat(rejected).contains(id, "jobtitle", "70000 characters; HubSpot keeps at most 65536");
			assertThat(s.hubspot.records("contacts")).noneMatch(c -> id.equals(c.property("cliniko_patient_id")))
				.isNotEmpty();
		}
	}

	/** Requests that could change the portal (reads, searches and the token check excluded). */
	static List<RequestLogEntry> writes(HubSpotEmulator hubspot) {
		return hubspot.requests().stream()
			.filter(r -> !r.method().equals("GET"))
			.filter(r -> !r.path().endsWith("/search") && !r.path().endsWith("/batch/read")
					&& !r.path().equals(HubSpotEmulator.TOKEN_INFO))
			.toList();
	}

	/** A scenario whose settings leave out CLINIKO_USER_AGENT. */
	private static final class ClinikoScenarioWithoutAgent implements AutoCloseable {

		final ClinicScenario scenario;

		ClinikoScenarioWithoutAgent(Path work) {
			this.scenario = new ClinicScenario(87, 10, work);
			scenario.settings.remove("CLINIKO_USER_AGENT");
		}

		@Override
		public void close() {
			scenario.close();
		}
	}
}
