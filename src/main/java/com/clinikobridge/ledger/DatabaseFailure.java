package com.clinikobridge.ledger;

import java.sql.SQLException;
import java.util.Optional;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Says in one line that the job repository's database failed, without what the driver's message
 * holds (SQL, bound values: patient data). The full exception belongs in the log file only.
 */
public final class DatabaseFailure {

	private DatabaseFailure() {
	}

	/**
	 * @return for a failure caused by the database (a {@link DataAccessException} or
	 * {@link SQLException} anywhere in the chain): e.g. {@code "the job repository's database
	 * connection was lost (SQLState 08006)"}; empty for any other failure
	 */
	public static Optional<String> describe(Throwable failure) {
		boolean database = false;
		boolean connection = false;
		String sqlState = null;
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof DataAccessException) {
				database = true;
				connection |= t instanceof CannotGetJdbcConnectionException
						|| t instanceof DataAccessResourceFailureException
						|| t instanceof TransientDataAccessResourceException;
			}
			if (t instanceof SQLException sql) {
				database = true;
				if (sqlState == null && sql.getSQLState() != null) {
					sqlState = sql.getSQLState();
				}
			}
		}
		if (!database) {
			return Optional.empty();
		}
		// 08: connection exceptions; 57P01-57P03: the server shut down or terminated the session.
		connection |= sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P0"));
		return Optional.of("the job repository's database " + (connection ? "connection was lost" : "failed")
				+ (sqlState == null ? "" : " (SQLState " + sqlState + ")"));
	}
}
