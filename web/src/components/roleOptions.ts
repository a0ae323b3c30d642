import type { Role } from '../api/views';
import { roleLabel } from '../auth/permissions';

export const roleOptions = (Object.keys(roleLabel) as Role[]).map((r) => ({ value: r, label: roleLabel[r] }));
