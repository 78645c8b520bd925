import path from 'node:path'

export type SmtpSettings = {
	host: string
	port: number
	/** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
	secure: boolean
	user?: string
	password?: string
	from: string
}

export type Env = {
	databaseUrl: string
	nodeEnv: string
	isProduction: boolean
	uploadDir: string
	meiliHost?: string
	meiliKey?: string
	/** Absolute base of links in emails, without a trailing slash. */
	appUrl: string
	/** Undefined when SMTP_HOST is unset: email is off. */
	smtp?: SmtpSettings
}

function smtpSettings(source: Record<string, string | undefined>): SmtpSettings | undefined {
	const host = source.SMTP_HOST?.trim()
	if (!host) return undefined
	const secureRaw = source.SMTP_SECURE?.trim().toLowerCase()
	const portRaw = source.SMTP_PORT?.trim()
	const explicitSecure = secureRaw ? ['1', 'true', 'yes'].includes(secureRaw) : undefined
	const port = portRaw && /^\d{1,5}$/.test(portRaw) ? Number(portRaw) : explicitSecure ? 465 : 587
	const user = source.SMTP_USER?.trim() || undefined
	return {
		host,
		port,
		secure: explicitSecure ?? port === 465,
		user,
		password: source.SMTP_PASSWORD || undefined,
		from: source.SMTP_FROM?.trim() || (user?.includes('@') ? user : 'no-reply@localhost'),
	}
}

export function getEnv(source: Record<string, string | undefined> = process.env): Env {
	const nodeEnv = source.NODE_ENV ?? 'development'
	return {
		databaseUrl: source.DATABASE_URL?.trim() || 'file:./data/bangfu.db',
		nodeEnv,
		isProduction: nodeEnv === 'production',
		uploadDir: path.resolve(source.UPLOAD_DIR?.trim() || './data/uploads'),
		meiliHost: source.MEILI_HOST?.trim() || undefined,
		meiliKey: source.MEILI_MASTER_KEY?.trim() || undefined,
		appUrl: (source.APP_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, ''),
		smtp: smtpSettings(source),
	}
}
