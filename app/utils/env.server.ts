import path from 'node:path'

export type Env = {
	databaseUrl: string
	nodeEnv: string
	isProduction: boolean
	uploadDir: string
	meiliHost?: string
	meiliKey?: string
}

export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
	const nodeEnv = source.NODE_ENV ?? 'development'
	return {
		databaseUrl: source.DATABASE_URL?.trim() || 'file:./data/bangfu.db',
		nodeEnv,
		isProduction: nodeEnv === 'production',
		uploadDir: path.resolve(source.UPLOAD_DIR?.trim() || './data/uploads'),
		meiliHost: source.MEILI_HOST?.trim() || undefined,
		meiliKey: source.MEILI_MASTER_KEY?.trim() || undefined,
	}
}
