import { Args } from '@oclif/core';
import { CtCommand } from '../src/cli/base.js';
import { formatTrustExplanation } from '../src/cli/format/trust.js';
import { formatTrustFormulas, TRUST_FORMULAS } from '../src/cli/format/trust-formulas.js';
import { explainTrust } from '../src/trust/explain.js';

export default class Trust extends CtCommand {
  static override summary = 'How trust is computed: the formulas, or the computation for one trace.';
  static override description =
    `Without an id, prints the formulas. With an id, recomputes that trace's trust from the checkout and its git history and shows every vote (voter key, reputation, weight, counted or why not), every flag, and the resulting trust, validated and disputed status.\n\n${formatTrustFormulas(0)}`;
  static override examples = [
    '<%= config.bin %> trust',
    '<%= config.bin %> trust 01JDQ5Z8X4N2K7M3P9R6T1V0WB',
    '<%= config.bin %> trust 01JDQ5Z8 --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Trace id, or an unambiguous prefix of at least 6 characters.' }),
  };
  static override flags = { ...CtCommand.storeFlag };

  async run() {
    const { args, flags } = await this.parse(Trust);
    if (!args.id) {
      this.log(formatTrustFormulas());
      return { formulas: TRUST_FORMULAS };
    }
    const store = await this.storeFor(args.id, flags.store);
    const explanation = await explainTrust(store, args.id);
    this.log(formatTrustExplanation(explanation));
    return { store: store.name, ...explanation };
  }
}
