// Message keys (errors.*, validation.*) in both languages for command-line output, read from the
// same locale files as the web interface.
import fs from 'node:fs'
import path from 'node:path'
import { parseMsg } from '#app/utils/errors.ts'

function load(lng: string): Record<string, unknown> {
	const dir = path.resolve('app/locales', lng)
	return Object.assign({}, ...fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))))
}

function lookup(tree: Record<string, unknown>, key: string, values: Record<string, unknown> = {}): string {
	const found = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree)
	if (typeof found !== 'string') return key
	return found.replace(/\{\{(\w+)\}\}/g, (_, name) => String(values[name] ?? ''))
}

/** "此项为必填 / Required" for a message key. */
export function cliMessage(message: string): string {
	const { key, values } = parseMsg(message)
	return `${lookup(load('zh-CN'), key, values)} / ${lookup(load('en'), key, values)}`
}
