"""A labelled simulation of outlets and the demo that runs the whole system on it.

- `fleet`: the fleet's shape (channels, flags, industries, arrays) and writing a run to disk;
- `honest`: what honest plants do, hour by hour (the traps detectors must survive);
- `patterns`: the falsification patterns injected into falsifying outlets, each labelled;
- `simulator`: `simulate` (one seed, one fleet) and `stream` (a live feed without end);
- `publish`: a simulation sent to an MQTT broker as HJ 212 packets, as devices would;
- `broker`: the embedded MQTT broker (amqtt) on 127.0.0.1;
- `demo`: ``monitor demo``: broker, daemon, live detection, leads and scores on embedded defaults.
"""
