// Query-string pieces shared by the read endpoints: repeatable enum filters, region codes,
// 0/1 flags and record ids. The dispatcher turns a repeated key into an array, a single one into a
// string; these schemas accept both and hand the handler an array.
import { z } from 'zod'
import { ID_PATTERN } from '#app/utils/id.ts'

/** `?status=a&status=b` (or one value) → ['a', 'b'] of an enum. */
export function many<const T extends readonly [string, ...string[]]>(values: T, description: string) {
	const one = z.enum(values)
	return z
		.union([one, z.array(one).min(1).max(values.length)])
		.transform((v): Array<T[number]> => (Array.isArray(v) ? [...new Set(v)] : [v]))
		.optional()
		.describe(`${description} Repeat the parameter for several (any of them matches).`)
}

export const RegionCodeQuery = z
	.string()
	.regex(/^\d{12}$/, { error: 'A 12-digit region code' })
	.optional()
	.describe('A region code at any level (province … village): records inside that region.')

export const FlagQuery = z
	.enum(['1', '0', 'true', 'false'])
	.transform((v) => v === '1' || v === 'true')
	.optional()

export const IdSchema = z.string().regex(ID_PATTERN)

export const IdQuery = z.string().regex(ID_PATTERN, { error: 'A record id (26 characters)' }).optional()

/** Epoch milliseconds. */
export const Millis = z.number().int()
