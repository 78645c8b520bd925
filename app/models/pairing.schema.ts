import { z } from 'zod'
import { RegionCodeSchema, optionalText } from '#app/utils/validation.ts'

export const PAIRING_KINDS = ['targeted', 'east_west', 'twinning'] as const

const year = z.coerce
	.number({ error: 'validation.year_invalid' })
	.int({ error: 'validation.year_invalid' })
	.min(1990, { error: 'validation.year_invalid' })
	.max(2100, { error: 'validation.year_invalid' })

const orgId = z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(26)

export const CreatePairingSchema = z.discriminatedUnion(
	'kind',
	[
		// 定点帮扶: a central unit → a county.
		z.object({ kind: z.literal('targeted'), providerOrgId: orgId, recipientRegionCode: RegionCodeSchema, startedYear: year, note: optionalText(500) }),
		// 东西部协作: an eastern region → a western region (province, city or county level).
		z.object({ kind: z.literal('east_west'), providerRegionCode: RegionCodeSchema, recipientRegionCode: RegionCodeSchema, startedYear: year, note: optionalText(500) }),
		// 结对帮扶: an enterprise or social org ↔ a village.
		z.object({ kind: z.literal('twinning'), providerOrgId: orgId, recipientRegionCode: RegionCodeSchema, startedYear: year, note: optionalText(500) }),
	],
	{ error: 'validation.pairing_kind_invalid' },
)
export type CreatePairingInput = z.infer<typeof CreatePairingSchema>
