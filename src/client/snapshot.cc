#include "client/snapshot.h"
