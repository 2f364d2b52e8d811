package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;

import com.clinikobridge.cli.BridgeCommands;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.PostgresTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark, not a test (surefire runs only *Tests): migrates a generated clinic from CSV and
 * from the API into the emulators with no rate limits and prints wall time and requests per
 * 1,000 records, then reconciles and rolls back each run and prints the same. Run:
 *
 * <pre>
 * TEST_DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/test ./mvnw test -Dtest=MigrationBenchmark -Dbenchmark.patients=5000
 * </pre>
 */
class MigrationBenchmark extends PostgresTestBase {

	@Autowired
	BridgeCommands commands;

	@Test
	void benchmark() throws Exception {
		int patients = Integer.getInteger("benchmark.patients", 5000);
		// -Dbenchmark.limits=real: both emulators and the client at the APIs' real limits.
		boolean realLimits = "real".equals(System.getProperty("benchmark.limits"));
		Path work = Files.createTempDirectory("cliniko-bridge-benchmark");
		for (String source : System.getProperty("benchmark.sources", "csv,api").split(",")) {
			emptyLedger();
			try (ClinicScenario s = new ClinicScenario(42, patients, work.resolve(source))) {
				if (realLimits) {
					s.cliniko.setRateLimit(200);
					s.hubspot.tenSecondlyLimit(100);
					s.settings.put("CLINIKO_RATE_LIMIT", "200");
					s.settings.put("HUBSPOT_RATE_LIMIT", "100");
				}
				long started = System.nanoTime();
				int exit = s.run(commands, "migrate", "--no-approval", "--source=" + (source.equals("csv") ? "csv:" + s.csvFolder : "api"));
				long wallMs = (System.nanoTime() - started) / 1_000_000;
				assertThat(exit).as(s.err).isZero();
				JsonNode summary = s.summary(s.lastRunId());
				JsonNode http = summary.path("http");
				long records = 0;
				for (JsonNode object : summary.path("objects")) {
					records += object.path("read").asLong();
				}
				long hubspot = http.path("hubspot").path("requests").asLong();
				long cliniko = http.path("cliniko").path("requests").asLong();
				// The rate-limit bound: no client can be faster than the slower API allows.
				double boundMs = Math.max(cliniko * 60_000.0 / 200, hubspot * 10_000.0 / 100);
				System.out.printf("BENCHMARK source=%s limits=%s patients=%d records=%d wall_ms=%d records_per_s=%.0f"
						+ " hubspot_requests=%d hubspot_per_1000=%.1f cliniko_requests=%d cliniko_per_1000=%.1f"
						+ " throttled=%d/%d bound_ms=%.0f wall_to_bound=%.2f%n", source, realLimits ? "real" : "off",
						patients, records, wallMs, records * 1000.0 / wallMs, hubspot, hubspot * 1000.0 / records, cliniko,
						cliniko * 1000.0 / records, http.path("cliniko").path("throttled").asLong(),
						http.path("hubspot").path("throttled").asLong(), boundMs, wallMs / boundMs);
				String runId = s.lastRunId();
				for (String[] command : new String[][] { { "reconcile", runId }, { "rollback", runId } }) {
					started = System.nanoTime();
					int code = s.run(commands, command);
					long ms = (System.nanoTime() - started) / 1_000_000;
					assertThat(code).as(s.err).isZero();
					JsonNode after = s.summary(s.lastRunId());
					long requests = after.path("http").path("hubspot").path("requests").asLong();
					System.out.printf("BENCHMARK %s source=%s limits=%s records=%d wall_ms=%d hubspot_requests=%d"
							+ " hubspot_per_1000=%.1f bound_ms=%.0f%n", command[0], source, realLimits ? "real" : "off",
							records, ms, requests, requests * 1000.0 / records, requests * 10_000.0 / 100);
				}
			}
		}
	}
}
