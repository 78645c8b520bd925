import { z } from 'zod'
import { RegionCodeSchema, ReasonSchema, UsccSchema, optionalText, required } from '#app/utils/validation.ts'

export const ORG_KINDS = ['central_unit', 'east_west_partner', 'mass_org', 'enterprise', 'social_org', 'village', 'government'] as const
export const PROVIDER_KINDS = ['central_unit', 'east_west_partner', 'mass_org', 'enterprise', 'social_org'] as const
export const MASS_ORG_SUBTYPES = ['trade_union', 'youth_league', 'womens_federation', 'science_association', 'disabled_federation'] as const
export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const

const base = {
	name: required(200),
	description: optionalText(4000),
	contactName: optionalText(64),
	contactPhone: optionalText(32).refine((v) => !v || /^[0-9+\-() ]{5,32}$/.test(v), { error: 'validation.phone_invalid' }),
}

/** One schema for the "new organization" form; which fields are required depends on the kind. */
export const CreateOrganizationSchema = z.discriminatedUnion(
	'kind',
	[
		z.object({ kind: z.literal('central_unit'), ...base, regionCode: RegionCodeSchema.optional() }),
		z.object({ kind: z.literal('east_west_partner'), ...base, regionCode: RegionCodeSchema }),
		z.object({
			kind: z.literal('mass_org'),
			...base,
			subtype: z.enum(MASS_ORG_SUBTYPES, { error: 'validation.subtype_invalid' }),
			regionCode: RegionCodeSchema.optional(),
		}),
		z.object({ kind: z.literal('enterprise'), ...base, uscc: UsccSchema, regionCode: RegionCodeSchema }),
		z.object({ kind: z.literal('social_org'), ...base, uscc: UsccSchema.optional(), regionCode: RegionCodeSchema.optional() }),
		z.object({ kind: z.literal('village'), ...base, villageCode: RegionCodeSchema }),
		z.object({ kind: z.literal('government'), ...base, regionCode: RegionCodeSchema }),
	],
	{ error: 'validation.org_kind_invalid' },
)
export type CreateOrganizationInput = z.infer<typeof CreateOrganizationSchema>

export const ReviewOrganizationSchema = z.discriminatedUnion(
	'decision',
	[
		z.object({ decision: z.literal('verify'), reason: optionalText(500) }),
		z.object({ decision: z.literal('reject'), reason: ReasonSchema }),
		z.object({ decision: z.literal('suspend'), reason: ReasonSchema }),
		z.object({ decision: z.literal('reinstate'), reason: optionalText(500) }),
	],
	{ error: 'validation.decision_invalid' },
)
export type ReviewOrganizationInput = z.infer<typeof ReviewOrganizationSchema>

export const AddMemberSchema = z.object({
	email: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(254).transform((v) => v.toLowerCase()),
	role: z.enum(MEMBER_ROLES, { error: 'validation.role_invalid' }),
})
export type AddMemberInput = z.infer<typeof AddMemberSchema>
