import { describe, expect, it } from 'vitest'
import { resources } from '#app/i18n.ts'

function keys(obj: unknown, prefix = ''): string[] {
	if (typeof obj !== 'object' || obj === null) return [prefix]
	return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('locales', () => {
	it('zh-CN and en have the same keys, none empty', () => {
		const zh = keys(resources['zh-CN'].translation).sort()
		const en = keys(resources.en.translation).sort()
		expect(zh.filter((k) => !en.includes(k))).toEqual([])
		expect(en.filter((k) => !zh.includes(k))).toEqual([])
		expect(zh.length).toBeGreaterThan(100)
	})

	it('has a message for every error and validation key the code uses', async () => {
		const { readFileSync, readdirSync, statSync } = await import('node:fs')
		const { join } = await import('node:path')
		const used = new Set<string>()
		const walk = (dir: string) => {
			for (const name of readdirSync(dir)) {
				const p = join(dir, name)
				if (statSync(p).isDirectory()) walk(p)
				else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts')) {
					for (const m of readFileSync(p, 'utf8').matchAll(/'((?:errors|validation|[a-z_]+_errors)\.[a-z_]+)(?:\||')/g)) used.add(m[1])
				}
			}
		}
		walk('app')
		const zh = new Set(keys(resources['zh-CN'].translation))
		expect([...used].filter((k) => !zh.has(k))).toEqual([])
	})
})
