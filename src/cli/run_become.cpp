#include "cli/run_become.hpp"

namespace forja {

Connection run_connection(Connection connection, BecomeChoice choice) {
  if (choice == BecomeChoice::always) connection.become = true;
  if (choice == BecomeChoice::never) connection.become = false;
  return connection;
}

}  // namespace forja
