import { describe, expect, it } from 'vitest';
import { DEFAULT_INTEREST_GROUPS, groupName } from '../../domain/interest-groups.ts';

describe('groupName', () => {
  const besok = DEFAULT_INTEREST_GROUPS.find((g) => g.key === 'besoksvenn')!;
  it('names a group in the reader\'s language', () => {
    expect(groupName(besok, 'nb')).toBe('Besøksvenn');
    expect(groupName(besok, 'nn')).toBe('Besøksven');
    expect(groupName(besok, 'en')).toBe('Visiting friend');
  });
  it('gives nynorsk readers the bokmål name of a group the centre has not named in nynorsk', () => {
    expect(groupName({ nameNb: 'Strikkekafé', nameNn: null, nameEn: 'Knitting café' }, 'nn')).toBe('Strikkekafé');
    expect(groupName({ nameNb: 'Strikkekafé', nameEn: 'Knitting café' }, 'nn')).toBe('Strikkekafé');
  });
  it('has a nynorsk name for every default group', () => {
    for (const g of DEFAULT_INTEREST_GROUPS) expect(g.nameNn, g.key).toBeTruthy();
  });
});
