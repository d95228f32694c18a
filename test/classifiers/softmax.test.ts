/** The softmax loss of a linear classifier (lib/classifiers/softmax.ts). */
import { softmaxLossNaive, softmaxLossVectorized } from '../../lib/classifiers/softmax';
import { describeLinearLoss } from '../helpers/linearLossSuite';

describeLinearLoss('softmax', softmaxLossNaive, softmaxLossVectorized);
