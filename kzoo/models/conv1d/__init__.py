"""1-D convolutional family: FCN, ResNet and InceptionTime for time series.

Guide: neural-networks-master "Convolutional Neural Networks (CNN)" applies
convolution to grid-like data; a series of ``timesteps`` x ``channels`` is a
1-D grid, and the same shared kernels slide along time. The three networks
are the published baselines of Fawaz et al. (2019), "Deep learning for time
series classification: a review", one idea per module:

* :mod:`~kzoo.models.conv1d.fcn`: FCN (Wang et al. 2017), three conv blocks;
* :mod:`~kzoo.models.conv1d.resnet`: ResNet for time series (Wang et al. 2017);
* :mod:`~kzoo.models.conv1d.inception`: InceptionTime (Fawaz et al. 2020).

All of them end in global average pooling, so ``input_shape=(None, channels)``
takes series of any length; their batch normalization is
:class:`kzoo.layers.BatchNormalization`, right after a few steps on small data.
"""
