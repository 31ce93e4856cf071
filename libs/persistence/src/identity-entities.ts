import { ApiToken } from './entities/api-token.entity';
import { Team } from './entities/team.entity';
import { TeamMember } from './entities/team-member.entity';
import { User } from './entities/user.entity';

export { ApiToken, Team, TeamMember, User };
/** Users, teams, memberships and API tokens (ingress's identity module reads and writes them). */
export const IDENTITY_ENTITIES = [User, Team, TeamMember, ApiToken];
