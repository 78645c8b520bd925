import type { TFunction } from 'i18next'
import { parseMsg } from './errors.ts'

/** Turns a message key (optionally `key|{json}`) from a model or schema into the user's language. */
export function tm(t: TFunction, message: string | undefined | null): string {
	if (!message) return ''
	const { key, values } = parseMsg(message)
	return t(key, { ...(values ?? {}), defaultValue: t('errors.invalid') }) as string
}
