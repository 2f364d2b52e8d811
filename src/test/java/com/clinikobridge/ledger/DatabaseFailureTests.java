package com.clinikobridge.ledger;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseFailureTests {

	@Test
	void aLostConnectionIsOneLineWithoutSqlOrValues() {
		// given a driver failure whose message quotes the SQL and a patient's value
		SQLException driver = new SQLException("An I/O error occurred while sending to the backend: INSERT INTO"
				+ " before_image VALUES ('jane@example.com')", "08006");
		RuntimeException failure = new IllegalStateException("step failed",
				new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", driver));

		// when
		String line = DatabaseFailure.describe(failure).orElseThrow();

		// then
		assertThat(line).isEqualTo("the job repository's database connection was lost (SQLState 08006)");
		assertThat(line).doesNotContain("INSERT").doesNotContain("jane");
	}

	@Test
	void otherDatabaseFailuresAreNamedAndOtherFailuresAreNot() {
		// given a constraint violation quoting a value, and a failure that is not the database's
		DataIntegrityViolationException violation = new DataIntegrityViolationException(
				"PreparedStatementCallback; SQL [UPDATE rejection SET reason = ?]; Key (x)=(Jane) already exists",
				new SQLException("duplicate key value: Key (x)=(Jane)", "23505"));

		// then
		assertThat(DatabaseFailure.describe(violation)).contains("the job repository's database failed (SQLState 23505)");
		assertThat(DatabaseFailure.describe(new IllegalStateException("no"))).isEmpty();
	}
}
