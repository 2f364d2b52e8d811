package com.clinikobridge.report;

/**
 * Makes source values safe where they end up: a terminal (no control characters, so an ANSI
 * escape in a patient's name cannot recolour, move the cursor or retitle the window) and a
 * spreadsheet (OWASP CSV injection: a cell that starts like a formula is made text).
 */
public final class SafeText {

	private SafeText() {
	}

	/**
	 * The text without control characters: C0 (U+0000–U+001F) but newline and tab, DEL and C1
	 * (U+0080–U+009F, e.g. the 8-bit CSI). An escape sequence loses its ESC and stays inert text.
	 * @return the same instance when there was nothing to remove; null for null
	 */
	public static String printable(String text) {
		if (text == null || text.chars().noneMatch(SafeText::control)) {
			return text;
		}
		StringBuilder b = new StringBuilder(text.length());
		text.chars().filter(c -> !control(c)).forEach(c -> b.append((char) c));
		return b.toString();
	}

	/** Whether a character is one {@link #printable} removes. */
	static boolean control(int c) {
		return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
	}

	/**
	 * A CSV cell a spreadsheet will not run: one that starts with {@code =}, {@code +}, {@code -},
	 * {@code @}, tab or carriage return gets a leading single quote (negative numbers too, as
	 * OWASP advises; the quote shows that the value was neutralised).
	 * @return the cell, or {@code '} + the cell; null for null
	 */
	public static String csvCell(String cell) {
		if (cell == null || cell.isEmpty()) {
			return cell;
		}
		char first = cell.charAt(0);
		boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
		return formula ? "'" + cell : cell;
	}

	/** Every cell of a row through {@link #csvCell}; a new array. */
	public static String[] csvRow(String[] row) {
		String[] safe = new String[row.length];
		for (int i = 0; i < row.length; i++) {
			safe[i] = csvCell(row[i]);
		}
		return safe;
	}
}
