// Money is integer fen everywhere inside Bangfu; yuan only at the edges (forms, reports).

/** '1234.5' (yuan, digits with at most two decimals) → 123450 fen; undefined when malformed. */
export function yuanToFen(yuan: string): number | undefined {
	const m = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(yuan)
	if (!m) return undefined
	return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/** Integer fen → yuan as a form shows it: 123456 → '1234.56', 100 → '1', 150 → '1.5'. */
export function fenToYuan(fen: number): string {
	const yuan = Math.floor(fen / 100)
	const rest = fen % 100
	return rest === 0 ? String(yuan) : `${yuan}.${String(rest).padStart(2, '0').replace(/0$/, '')}`
}
