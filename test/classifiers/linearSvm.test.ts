/** The SVM loss of a linear classifier (lib/classifiers/linearSvm.ts). */
import { svmLossNaive, svmLossVectorized } from '../../lib/classifiers/linearSvm';
import { describeLinearLoss } from '../helpers/linearLossSuite';

describeLinearLoss('svm', svmLossNaive, svmLossVectorized);
