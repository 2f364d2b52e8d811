package com.clinikobridge.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every test that needs the Spring context: one context for the whole suite, on real
 * PostgreSQL. The database comes from {@code TEST_DATABASE_URL} (with
 * {@code TEST_DATABASE_USERNAME}/{@code _PASSWORD}, default {@code postgres} and empty) when
 * set, as in CI, else from a Testcontainers PostgreSQL (a machine with Docker). Tests run in a
 * schema of their own per JVM, made anew at start and dropped at exit, so Flyway always starts
 * clean and concurrent runs on one database do not interfere.
 */
@SpringBootTest
public abstract class PostgresTestBase {

	/** A schema per test JVM, so that test runs sharing one database do not clobber each other. */
	static final String SCHEMA = "cliniko_bridge_test_" + ProcessHandle.current().pid();

	private static PostgreSQLContainer container;

	@Autowired
	protected JdbcTemplate jdbc;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		String url = System.getenv("TEST_DATABASE_URL");
		String user = System.getenv().getOrDefault("TEST_DATABASE_USERNAME", "postgres");
		String password = System.getenv().getOrDefault("TEST_DATABASE_PASSWORD", "");
		if (url == null || url.isBlank()) {
			synchronized (PostgresTestBase.class) {
				if (container == null) {
					container = new PostgreSQLContainer("postgres:15-alpine");
					container.start();
				}
			}
			url = container.getJdbcUrl();
			user = container.getUsername();
			password = container.getPassword();
		}
		freshSchema(url, user, password);
		String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
		String u = user;
		String p = password;
		registry.add("spring.datasource.url", () -> schemaUrl);
		registry.add("spring.datasource.username", () -> u);
		registry.add("spring.datasource.password", () -> p);
	}

	private static boolean schemaMade;

	private static synchronized void freshSchema(String url, String user, String password) {
		if (schemaMade) {
			return;
		}
		try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
			s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
			s.execute("CREATE SCHEMA " + SCHEMA);
			schemaMade = true;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot prepare the test schema in " + url, ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
				s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
			}
			catch (SQLException ex) {
				// the database is gone already: nothing to clean
			}
		}));
	}

	/** Empties the ledger tables so each test starts from a portal-less, run-less state. */
	protected void emptyLedger() {
		jdbc.execute("TRUNCATE bridge_run, id_map, ledger_entry, rejection, email_claim, merge_redirect,"
				+ " pending_create, plan_approval, run_sample, custom_field_property, before_image, added_association,"
				+ " schema_change, reconcile_mismatch, reconcile_tally, sync_mark, run_mark, run_lock, ingested_file,"
				+ " removed_association, run_write, rollback_kept");
	}
}
